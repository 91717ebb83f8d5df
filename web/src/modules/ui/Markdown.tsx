import Skeleton from '@mui/material/Skeleton';
import Typography from '@mui/material/Typography';
import { lazy, Suspense } from 'react';

// The Markdown renderer is loaded on first use, so pages that never show Markdown do not carry it.
const MarkdownView = lazy(() => import('./MarkdownView'));

/** Markdown text rendered safely; `empty` is shown when there is nothing to render. */
export function Markdown({ source, empty = 'Nothing written yet.' }: { source: string; empty?: string }) {
  if (!source.trim()) return <Typography color="text.secondary">{empty}</Typography>;
  return (
    <Suspense fallback={<Skeleton variant="text" aria-label="Loading preview" />}>
      <MarkdownView source={source} />
    </Suspense>
  );
}
