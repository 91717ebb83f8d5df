import { useDraggable } from '@dnd-kit/core';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import MenuItem from '@mui/material/MenuItem';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useId, useState } from 'react';
import { MarkdownEditor } from '../../ui/MarkdownEditor';
import { ArtifactPicker } from './ArtifactPicker';
import type { DraftComponent } from './draft';

export interface ComponentCardProps {
  component: DraftComponent;
  stageCount: number;
  disabled: boolean;
  onArtifact: (version: string | null) => void;
  onStage: (stage: number) => void;
  onInstructions: (instructions: string) => void;
  onRemove: () => void;
}

/** One application of the release being edited: drag it to another stage, or use its Stage field. */
export function ComponentCard({
  component,
  stageCount,
  disabled,
  onArtifact,
  onStage,
  onInstructions,
  onRemove,
}: ComponentCardProps) {
  const { applicationSlug: slug, applicationName: name } = component;
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: slug, disabled });
  const [showInstructions, setShowInstructions] = useState(false);
  const instructionsId = useId();
  const stages = Array.from({ length: stageCount + 1 }, (_, index) => index + 1);

  return (
    <Paper
      ref={setNodeRef}
      variant="outlined"
      role="group"
      aria-label={name}
      sx={{
        p: 1.5,
        transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
        position: 'relative',
        zIndex: isDragging ? 2 : undefined,
        boxShadow: isDragging ? 6 : undefined,
        bgcolor: 'background.paper',
      }}
    >
      <Stack direction="row" spacing={1.5} useFlexGap sx={{ alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <Box
          component="button"
          type="button"
          {...attributes}
          {...listeners}
          aria-label={`Drag ${name} to another stage`}
          disabled={disabled}
          sx={{
            cursor: disabled ? 'default' : 'grab',
            touchAction: 'none',
            border: 1,
            borderColor: 'divider',
            borderRadius: 1,
            bgcolor: 'transparent',
            color: 'text.secondary',
            px: 0.75,
            py: 0.5,
            mt: 0.5,
            fontSize: 18,
            lineHeight: 1,
            '&:focus-visible': { outline: 2, outlineColor: 'primary.main' },
          }}
        >
          <span aria-hidden>⠿</span>
        </Box>
        <Box sx={{ minWidth: 140, flex: '0 1 180px', pt: 0.5 }}>
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {name}
          </Typography>
          <Typography variant="caption" color="text.secondary">
            {slug}
          </Typography>
        </Box>
        <ArtifactPicker
          applicationSlug={slug}
          applicationName={name}
          value={component.artifactVersion}
          onChange={onArtifact}
          disabled={disabled}
        />
        <TextField
          select
          size="small"
          label={`Stage for ${name}`}
          value={component.stage}
          onChange={(event) => onStage(Number(event.target.value))}
          disabled={disabled}
          sx={{ width: 130 }}
        >
          {stages.map((stage) => (
            <MenuItem key={stage} value={stage}>
              {stage > stageCount ? `Stage ${stage} (new)` : `Stage ${stage}`}
            </MenuItem>
          ))}
        </TextField>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', ml: 'auto' }}>
          <Button
            size="small"
            aria-expanded={showInstructions}
            aria-controls={instructionsId}
            aria-label={`Instructions for ${name}`}
            onClick={() => setShowInstructions((shown) => !shown)}
          >
            {component.instructions.trim() ? 'Instructions ✎' : 'Instructions'}
          </Button>
          <Button size="small" color="error" aria-label={`Remove ${name}`} onClick={onRemove} disabled={disabled}>
            Remove
          </Button>
        </Stack>
      </Stack>
      <Collapse in={showInstructions} id={instructionsId} unmountOnExit>
        <Box sx={{ pt: 1.5 }}>
          <MarkdownEditor
            label={`${name} instructions`}
            value={component.instructions}
            onChange={onInstructions}
            minRows={3}
            disabled={disabled}
          />
        </Box>
      </Collapse>
    </Paper>
  );
}
