import { useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { SetReleaseComponentsDocument, UpdateReleaseInstructionsDocument } from '../../../generated/graphql';
import { componentInputs, sameComponents, type ReleaseDraft } from '../editor/draft';

/**
 * Saves what changed: the components in one setReleaseComponents call (it replaces the list), then the release
 * instructions. Rejects with the server's error; what was saved before it stays saved.
 */
export function useSaveRelease(releaseId: string) {
  const [setComponents, components] = useMutation(SetReleaseComponentsDocument);
  const [setInstructions, instructions] = useMutation(UpdateReleaseInstructionsDocument);

  const save = useCallback(
    async (draft: ReleaseDraft, saved: ReleaseDraft) => {
      if (!sameComponents(draft, saved)) {
        await setComponents({ variables: { input: { releaseId, components: componentInputs(draft) } } });
      }
      if (draft.instructions !== saved.instructions) {
        await setInstructions({ variables: { input: { releaseId, instructions: draft.instructions } } });
      }
    },
    [releaseId, setComponents, setInstructions],
  );

  return { save, saving: components.loading || instructions.loading };
}
