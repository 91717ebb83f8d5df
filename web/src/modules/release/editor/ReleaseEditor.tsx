import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDroppable,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
} from '@dnd-kit/core';
import { useApolloClient, useQuery } from '@apollo/client/react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useBlocker } from 'react-router';
import {
  ApplicationChoicesDocument,
  NewestArtifactsDocument,
  type ReleaseComponents_ReleaseFragment,
} from '../../../generated/graphql';
import { describeError } from '../../apollo/errors';
import { MarkdownEditor } from '../../ui/MarkdownEditor';
import { useSaveRelease } from '../hooks/useSaveRelease';
import { ComponentCard } from './ComponentCard';
import {
  addApplication,
  addStage,
  chooseArtifact,
  componentsInStage,
  draftFromRelease,
  moveToStage,
  removeApplication,
  removeStage,
  withNewestArtifacts,
  sameComponents,
  setComponentInstructions,
  type ReleaseDraft,
} from './draft';

const APPLICATION_CHOICES = 100;
const STAGE_PREFIX = 'stage-';

function stageOf(id: string | number | undefined): number | null {
  if (typeof id !== 'string' || !id.startsWith(STAGE_PREFIX)) return null;
  return Number(id.slice(STAGE_PREFIX.length));
}

function StageDropZone({
  stage,
  children,
  empty,
  onRemove,
}: {
  stage: number;
  children: ReactNode;
  empty: boolean;
  onRemove?: () => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: `${STAGE_PREFIX}${stage}` });
  return (
    <Paper
      ref={setNodeRef}
      component="section"
      aria-label={`Stage ${stage}`}
      variant="outlined"
      sx={{
        p: 1.5,
        borderStyle: empty ? 'dashed' : 'solid',
        borderColor: isOver ? 'primary.main' : 'divider',
        bgcolor: isOver ? 'action.hover' : 'background.default',
        transition: 'background-color 120ms, border-color 120ms',
      }}
    >
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }}>
        <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600, flexGrow: 1 }}>
          Stage {stage}
        </Typography>
        {onRemove && (
          <Button size="small" onClick={onRemove} aria-label={`Remove stage ${stage}`}>
            Remove stage
          </Button>
        )}
      </Stack>
      <Stack spacing={1}>
        {empty ? (
          <Typography color="text.secondary" variant="body2" sx={{ py: 1 }}>
            No components: drag one here, or choose stage {stage} in a component’s Stage field.
          </Typography>
        ) : (
          children
        )}
      </Stack>
    </Paper>
  );
}

/** With the keyboard, the up and down arrows move the picked-up component to the previous or next stage. */
const stageKeyboardCoordinates: KeyboardCoordinateGetter = (event, { currentCoordinates, context }) => {
  const direction = event.code === 'ArrowDown' ? 1 : event.code === 'ArrowUp' ? -1 : 0;
  const { collisionRect, droppableRects, over } = context;
  if (direction === 0 || !collisionRect) return undefined;
  event.preventDefault();
  const stages = [...droppableRects.entries()].sort(([, a], [, b]) => a.top - b.top);
  const current = stages.findIndex(([id]) => id === over?.id);
  const target = stages[current + direction];
  if (current === -1 || !target) return currentCoordinates;
  return { x: currentCoordinates.x, y: currentCoordinates.y + target[1].top + 8 - collisionRect.top };
};

const screenReaderInstructions = {
  draggable:
    'To move this component to another stage, press Space or Enter, then the up and down arrow keys; press Space or Enter again to drop it there, or Escape to cancel.',
};

type EditableRelease = ReleaseComponents_ReleaseFragment & { instructions: string };

/**
 * Scrolling while dragging only near the window's top and bottom edge, and at a pace a person can follow: the
 * default (the outer 20 % of the height, up to 2,000 px/s) ran away as soon as a lower stage was reached in a
 * 900 px window. Stages stack vertically, so there is nothing to scroll sideways.
 */
const AUTO_SCROLL = { threshold: { x: 0, y: 0.06 }, acceleration: 4, interval: 10 };

/**
 * The requirements editor of a DRAFT release: applications, their artifacts, stages and instructions, kept
 * locally until Save.
 */
export function ReleaseEditor({ release, onDirtyChange }: { release: EditableRelease; onDirtyChange: (dirty: boolean) => void }) {
  const saved = useMemo(() => draftFromRelease(release), [release]);
  const [edited, setEdited] = useState<ReleaseDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [justSaved, setJustSaved] = useState(false);
  const [newestNotice, setNewestNotice] = useState<string | null>(null);
  const [findingNewest, setFindingNewest] = useState(false);
  const client = useApolloClient();
  const draft = edited ?? saved;
  const dirty = edited !== null && (!sameComponents(edited, saved) || edited.instructions !== saved.instructions);
  const { save, saving } = useSaveRelease(release.id);
  const applications = useQuery(ApplicationChoicesDocument, { variables: { first: APPLICATION_CHOICES } });
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: stageKeyboardCoordinates }),
  );

  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  // In-app navigation away (a link, Back) asks first; reloads and closing the tab are guarded below.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const change = (next: (current: ReleaseDraft) => ReleaseDraft) => {
    setJustSaved(false);
    setEdited((current) => next(current ?? saved));
  };

  const nameOf = (slug: string | number) =>
    draft.components.find((component) => component.applicationSlug === slug)?.applicationName ?? String(slug);
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up ${nameOf(active.id)}.`,
    onDragOver: ({ active, over }) =>
      over ? `${nameOf(active.id)} is over stage ${stageOf(over.id)}.` : `${nameOf(active.id)} is over no stage.`,
    onDragEnd: ({ active, over }) =>
      over ? `${nameOf(active.id)} was moved to stage ${stageOf(over.id)}.` : `${nameOf(active.id)} was dropped.`,
    onDragCancel: ({ active }) => `Moving ${nameOf(active.id)} was cancelled.`,
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    const stage = stageOf(over?.id);
    if (stage === null) return;
    const slug = String(active.id);
    if (draft.components.find((component) => component.applicationSlug === slug)?.stage === stage) return;
    change((current) => moveToStage(current, slug, stage));
  };

  /** One step for the common case: every component on its application's newest artifact; the person still saves. */
  const applyNewestArtifacts = async () => {
    setNewestNotice(null);
    setFindingNewest(true);
    try {
      const { data } = await client.query({
        query: NewestArtifactsDocument,
        variables: { first: APPLICATION_CHOICES },
        fetchPolicy: 'network-only',
      });
      const newest = new Map<string, string>();
      for (const application of data?.applications.nodes ?? []) {
        const version = application.newest.nodes[0]?.version;
        if (version) newest.set(application.slug, version);
      }
      const result = withNewestArtifacts(draft, newest);
      if (result.changed > 0) change(() => result.draft);
      setNewestNotice(
        result.changed === 0
          ? 'Every component already uses its newest artifact.'
          : `${result.changed === 1 ? '1 component now uses' : `${result.changed} components now use`} the newest artifact; save to keep the change.`,
      );
    } catch (caught) {
      setNewestNotice(`Could not find the newest artifacts: ${describeError(caught)}`);
    } finally {
      setFindingNewest(false);
    }
  };

  const onSave = () => {
    setError(null);
    save(draft, saved).then(
      () => {
        setEdited(null);
        setJustSaved(true);
      },
      (caught: unknown) => setError(describeError(caught)),
    );
  };

  const inRelease = new Set(draft.components.map((component) => component.applicationSlug));
  const addable = (applications.data?.applications.nodes ?? []).filter((application) => !inRelease.has(application.slug));
  const stages = Array.from({ length: draft.stageCount }, (_, index) => index + 1);
  let addHelp: string;
  if (applications.error) addHelp = `Could not load applications: ${describeError(applications.error)}`;
  else if (applications.loading) addHelp = 'Loading applications…';
  else if (addable.length === 0) addHelp = 'Every application is in the release';
  else addHelp = `Added to stage ${draft.stageCount}`;

  return (
    <Stack spacing={3}>
      <Stack spacing={1.5} component="section" aria-labelledby="components-heading">
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'flex-start' } }}>
          <Typography id="components-heading" variant="h5" component="h2" sx={{ flexGrow: 1 }}>
            Components
          </Typography>
          <TextField
            select
            size="small"
            label="Add application"
            value=""
            onChange={(event) => {
              const application = addable.find((candidate) => candidate.slug === event.target.value);
              if (application) change((current) => addApplication(current, application));
            }}
            disabled={saving || addable.length === 0}
            error={applications.error !== undefined}
            helperText={addHelp}
            sx={{ minWidth: 240 }}
          >
            {addable.map((application) => (
              <MenuItem key={application.id} value={application.slug}>
                {application.name} ({application.slug})
              </MenuItem>
            ))}
          </TextField>
          <Button
            variant="outlined"
            onClick={() => void applyNewestArtifacts()}
            disabled={saving || findingNewest || draft.components.length === 0}
          >
            {findingNewest ? 'Finding newest…' : 'Use newest artifacts'}
          </Button>
          <Button variant="outlined" onClick={() => change(addStage)} disabled={saving}>
            Add stage
          </Button>
        </Stack>
        {newestNotice && (
          <Alert severity="info" role="status" onClose={() => setNewestNotice(null)}>
            {newestNotice}
          </Alert>
        )}

        {draft.components.length === 0 && (
          <Alert severity="info">This release has no components yet: add the applications it ships with “Add application”.</Alert>
        )}

        <DndContext
          sensors={sensors}
          onDragEnd={onDragEnd}
          accessibility={{ announcements, screenReaderInstructions }}
          autoScroll={AUTO_SCROLL}
        >
          <Stack spacing={1.5}>
            {stages.map((stage) => {
              const components = componentsInStage(draft, stage);
              return (
                <StageDropZone
                  key={stage}
                  stage={stage}
                  empty={components.length === 0}
                  onRemove={
                    components.length === 0 && draft.stageCount > 1
                      ? () => change((current) => removeStage(current, stage))
                      : undefined
                  }
                >
                  {components.map((component) => (
                    <ComponentCard
                      key={component.applicationSlug}
                      component={component}
                      stageCount={draft.stageCount}
                      disabled={saving}
                      onArtifact={(version) => change((current) => chooseArtifact(current, component.applicationSlug, version))}
                      onStage={(next) => change((current) => moveToStage(current, component.applicationSlug, next))}
                      onInstructions={(text) =>
                        change((current) => setComponentInstructions(current, component.applicationSlug, text))
                      }
                      onRemove={() => change((current) => removeApplication(current, component.applicationSlug))}
                    />
                  ))}
                </StageDropZone>
              );
            })}
          </Stack>
        </DndContext>
      </Stack>

      <Stack spacing={1} component="section" aria-labelledby="instructions-heading">
        <Typography id="instructions-heading" variant="h5" component="h2">
          Instructions
        </Typography>
        <MarkdownEditor
          label="Release instructions"
          value={draft.instructions}
          onChange={(instructions) => change((current) => ({ ...current, instructions }))}
          minRows={5}
          disabled={saving}
        />
      </Stack>

      <Paper
        elevation={dirty ? 6 : 0}
        variant={dirty ? 'elevation' : 'outlined'}
        sx={{ position: dirty ? 'sticky' : 'static', bottom: 16, zIndex: 3, p: 1.5 }}
        role="region"
        aria-label="Save changes"
      >
        <Stack spacing={1}>
          {error && (
            <Alert severity="error" role="alert">
              Could not save: {error}
            </Alert>
          )}
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <Typography role="status" aria-live="polite" sx={{ flexGrow: 1, fontWeight: dirty ? 600 : 400 }}>
              {saving ? 'Saving…' : dirty ? 'Unsaved changes' : justSaved ? 'All changes saved' : 'No unsaved changes'}
            </Typography>
            <Box>
              <Button
                onClick={() => {
                  setEdited(null);
                  setError(null);
                }}
                disabled={!dirty || saving}
              >
                Discard changes
              </Button>
            </Box>
            <Button variant="contained" onClick={onSave} disabled={!dirty || saving}>
              {saving ? 'Saving…' : 'Save'}
            </Button>
          </Stack>
        </Stack>
      </Paper>
      <Dialog open={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} aria-labelledby="leave-draft-title">
        <DialogTitle id="leave-draft-title">Leave without saving?</DialogTitle>
        <DialogContent>
          <DialogContentText>Your changes to this release are not saved; leaving the page discards them.</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button autoFocus variant="contained" onClick={() => blocker.reset?.()}>
            Stay and keep editing
          </Button>
          <Button color="error" onClick={() => blocker.proceed?.()}>
            Leave and discard
          </Button>
        </DialogActions>
      </Dialog>
    </Stack>
  );
}
