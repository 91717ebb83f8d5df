import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';

export interface VirtualTableProps {
  label: string;
  /** Rows loaded so far. */
  count: number;
  /** All rows the server has for the filter. */
  totalCount: number;
  hasMore: boolean;
  /** Asked for the next page when the reader comes near the end of the loaded rows. */
  onNearEnd: () => unknown;
  rowHeight: number;
  columns: string;
  /** Wide tables (the matrix) scroll sideways instead of squeezing. */
  minWidth?: number | string;
  header: ReactNode;
  renderRow: (index: number) => ReactNode;
  busy?: boolean;
}

const ROW_SX = { display: 'grid', alignItems: 'center', columnGap: 2, px: 2, boxSizing: 'border-box' } as const;

/**
 * A table that renders only the rows in view, so thousands of rows stay fast; it is a table to assistive
 * technology (row count and each row's position), and it asks for more rows as the reader scrolls.
 */
export function VirtualTable({
  label,
  count,
  totalCount,
  hasMore,
  onNearEnd,
  rowHeight,
  columns,
  minWidth,
  header,
  renderRow,
  busy = false,
}: VirtualTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const rows = hasMore ? count + 1 : count;
  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? -1;

  useEffect(() => {
    if (hasMore && lastIndex >= count - 10) onNearEnd();
  }, [hasMore, lastIndex, count, onNearEnd]);

  return (
    <Box
      ref={scrollRef}
      role="table"
      aria-label={label}
      aria-rowcount={totalCount + 1}
      aria-busy={busy}
      tabIndex={0}
      sx={{
        // Grows with its rows up to about a screen, then scrolls.
        maxHeight: { xs: 480, md: 'max(360px, calc(100vh - 330px))' },
        overflow: 'auto',
        border: 1,
        borderColor: 'divider',
        borderRadius: 1,
        bgcolor: 'background.paper',
        opacity: busy ? 0.6 : 1,
        transition: 'opacity 120ms',
        '&:focus-visible': { outline: '2px solid', outlineColor: 'primary.main' },
      }}
    >
      <Box
        role="rowgroup"
        sx={[
          { position: 'sticky', top: 0, zIndex: 2, bgcolor: 'grey.100', minWidth },
          (theme) => theme.applyStyles('dark', { bgcolor: 'grey.900' }),
        ]}
      >
        <Box
          role="row"
          aria-rowindex={1}
          sx={{ ...ROW_SX, gridTemplateColumns: columns, height: 40, borderBottom: 1, borderColor: 'divider' }}
        >
          {header}
        </Box>
      </Box>
      <Box role="rowgroup" sx={{ position: 'relative', height: virtualizer.getTotalSize(), minWidth }}>
        {items.map((item) => (
          <Box
            key={item.key}
            role="row"
            aria-rowindex={item.index + 2}
            sx={{
              ...ROW_SX,
              gridTemplateColumns: columns,
              position: 'absolute',
              top: 0,
              left: 0,
              width: '100%',
              height: item.size,
              transform: `translateY(${item.start}px)`,
              borderBottom: 1,
              borderColor: 'divider',
              '&:hover': { bgcolor: 'action.hover' },
            }}
          >
            {item.index < count ? (
              renderRow(item.index)
            ) : (
              <Typography role="cell" color="text.secondary" variant="body2" sx={{ gridColumn: '1 / -1' }}>
                Loading more…
              </Typography>
            )}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
