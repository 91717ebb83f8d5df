import Box from '@mui/material/Box';
import ReactMarkdown, { type Components } from 'react-markdown';

// Links in instructions lead away from Shiplog: open them in a new tab without handing over the opener.
const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
};

/**
 * Renders Markdown as React elements. Raw HTML is dropped (`skipHtml`) and react-markdown's default URL
 * transform removes `javascript:` and other unsafe link targets, so instructions cannot inject script.
 */
export default function MarkdownView({ source }: { source: string }) {
  return (
    <Box
      sx={{
        '& > :first-of-type': { mt: 0 },
        '& > :last-child': { mb: 0 },
        '& pre': { p: 1.5, bgcolor: 'action.hover', borderRadius: 1, overflowX: 'auto' },
        '& code': { fontFamily: 'monospace', fontSize: '0.9em' },
        '& blockquote': { borderLeft: 3, borderColor: 'divider', m: 0, pl: 2, color: 'text.secondary' },
        overflowWrap: 'anywhere',
      }}
    >
      <ReactMarkdown skipHtml components={components}>
        {source}
      </ReactMarkdown>
    </Box>
  );
}
