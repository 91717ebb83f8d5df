import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { ReasonDialog } from '../../ui/ReasonDialog';

export interface RollbackChoice {
  application: { id: string; slug: string; name: string };
  artifact: { version: string };
  rollbackTo: { version: string } | null;
  deploying: boolean;
}

/** Why an application cannot be rolled back now, or null when it can. */
export function rollbackBlocker(choice: RollbackChoice): string | null {
  if (choice.deploying) return 'a deployment is under way';
  if (!choice.rollbackTo) return 'no earlier version ran here';
  return null;
}

/** The applications of an installation that a rollback can return to an earlier version now. */
export function rollbackCandidates(running: readonly RollbackChoice[]): RollbackChoice[] {
  return running.filter((choice) => rollbackBlocker(choice) === null);
}

/**
 * Rolling back an installation: each application with the version it runs and the one it would return to; the
 * person picks which, then gives the reason. A refusal stays in the dialog.
 */
export function RollbackDialog({
  installationName,
  running,
  onClose,
  onConfirm,
}: {
  /** The installation to roll back, or null when the dialog is closed. */
  installationName: string | null;
  running: readonly RollbackChoice[];
  onClose: () => void;
  onConfirm: (applicationSlugs: string[], reason: string) => Promise<unknown>;
}) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  useEffect(() => {
    if (installationName !== null) setChosen(new Set(rollbackCandidates(running).map((c) => c.application.slug)));
    // Only when the dialog opens: live updates must not undo the person's choice.
  }, [installationName]);

  return (
    <ReasonDialog
      open={installationName !== null}
      title={`Roll back ${installationName ?? ''}`}
      description="The chosen applications go back to the version that ran here before, as recorded deployments."
      confirmLabel="Roll back"
      color="warning"
      confirmDisabled={chosen.size === 0}
      onClose={onClose}
      onConfirm={(reason) => onConfirm([...chosen], reason)}
    >
      <FormGroup aria-label="Applications to roll back" role="group" sx={{ mb: 1 }}>
        {running.map((choice) => {
          const blocker = rollbackBlocker(choice);
          const { slug, name } = choice.application;
          return (
            <FormControlLabel
              key={choice.application.id}
              disabled={blocker !== null}
              control={
                <Checkbox
                  checked={chosen.has(slug)}
                  onChange={(event) => {
                    const next = new Set(chosen);
                    if (event.target.checked) next.add(slug);
                    else next.delete(slug);
                    setChosen(next);
                  }}
                />
              }
              label={
                blocker === null
                  ? `${name}: ${choice.artifact.version} → ${choice.rollbackTo!.version}`
                  : `${name}: ${choice.artifact.version} (${blocker})`
              }
            />
          );
        })}
      </FormGroup>
      {chosen.size === 0 && (
        <Typography variant="body2" color="text.secondary">
          Choose at least one application.
        </Typography>
      )}
    </ReasonDialog>
  );
}
