import Box from '@mui/material/Box';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { AUDIT_ACTIONS, type AuditAction } from '@shiplog/shared';
import { Fragment, useMemo } from 'react';
import type { AuditEventFilter, AuditEventsQuery } from '../generated/graphql';
import { AuditDiff } from '../modules/audit/components/AuditDiff';
import { useAuditEvents } from '../modules/audit/hooks/useAuditEvents';
import { formatDateTime } from '../modules/ui/format';
import { Time } from '../modules/ui/Time';
import { DateRangeFields } from '../modules/ui/DateRangeFields';
import { DebouncedSearchField } from '../modules/ui/DebouncedSearchField';
import { PagedListFrame } from '../modules/ui/PagedListFrame';
import { endOfDay, parseDay, startOfDay, useUrlParams } from '../modules/ui/searchParams';

type AuditEvent = AuditEventsQuery['auditEvents']['nodes'][number];

const FILTER_KEYS = ['q', 'action', 'actor', 'type', 'subject', 'from', 'to'];
const FIELD_SX = { width: { xs: '100%', sm: 180 } };
const COLUMNS = 6;

function EventRow({ event, open, onToggle }: { event: AuditEvent; open: boolean; onToggle: () => void }) {
  const panelId = `audit-event-${event.id}`;
  return (
    <Fragment>
      <TableRow hover selected={open} sx={{ '& > td': { borderBottom: open ? 'none' : undefined } }}>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <Time value={event.at} />
        </TableCell>
        <TableCell sx={{ overflowWrap: 'break-word', minWidth: 120 }}>{event.actor}</TableCell>
        <TableCell sx={{ fontFamily: 'monospace' }}>{event.action}</TableCell>
        <TableCell sx={{ overflowWrap: 'anywhere' }}>
          {event.subjectType}
          <Typography variant="caption" color="text.secondary" component="div" sx={{ fontFamily: 'monospace' }}>
            {event.subjectId}
          </Typography>
        </TableCell>
        <TableCell sx={{ overflowWrap: 'anywhere' }}>{event.reason ?? '–'}</TableCell>
        <TableCell align="right">
          <Button
            size="small"
            onClick={onToggle}
            aria-expanded={open}
            aria-controls={panelId}
            aria-label={`${open ? 'Hide' : 'Show'} changes of ${event.action} ${event.subjectType} at ${formatDateTime(event.at)}`}
          >
            {open ? 'Hide' : 'Changes'}
          </Button>
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell colSpan={COLUMNS} sx={{ py: 0, borderBottom: open ? undefined : 'none' }}>
          <Collapse in={open} unmountOnExit>
            <Box id={panelId} sx={{ py: 2 }}>
              <AuditDiff before={event.before} after={event.after} label={`Before and after of ${event.action}`} />
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

export default function AuditPage() {
  const { get, set } = useUrlParams();
  const search = get('q');
  const action = get('action');
  const actor = get('actor');
  const subjectType = get('type');
  const subjectId = get('subject');
  const from = parseDay(get('from'));
  const to = parseDay(get('to'));
  const openEvent = get('event');

  const filter = useMemo<AuditEventFilter>(
    () => ({
      search,
      action,
      actor,
      subjectType,
      subjectId,
      since: from ? startOfDay(from) : null,
      until: to ? endOfDay(to) : null,
    }),
    [search, action, actor, subjectType, subjectId, from, to],
  );
  const audit = useAuditEvents(filter);
  const filtered = FILTER_KEYS.some((key) => get(key) !== null);
  const clearFilters = () => set(Object.fromEntries(FILTER_KEYS.map((key) => [key, null])));

  return (
    <Stack spacing={2}>
      <title>Audit log · Shiplog</title>
      <Typography variant="h4" component="h1">
        Audit log
      </Typography>

      <Stack
        component="form"
        role="search"
        aria-label="Filter the audit log"
        direction="row"
        onSubmit={(event) => event.preventDefault()}
        sx={{ flexWrap: 'wrap', gap: 1.5, alignItems: 'center' }}
      >
        <DebouncedSearchField
          label="Search"
          placeholder="Action, actor, subject id or tenant"
          value={search ?? ''}
          onSearch={(value) => set({ q: value })}
          sx={{ width: { xs: '100%', sm: 260 } }}
        />
        {/* A choice of the actions the log records: typing any part of one narrows the list. */}
        <Autocomplete
          options={AUDIT_ACTIONS}
          value={(action as AuditAction | null) ?? null}
          onChange={(_event, value) => set({ action: value })}
          autoHighlight
          sx={{ width: { xs: '100%', sm: 240 } }}
          renderInput={(params) => <TextField {...params} label="Action" placeholder="e.g. lock" size="small" />}
        />
        <DebouncedSearchField
          label="Actor"
          placeholder="e.g. user:alice"
          value={actor ?? ''}
          onSearch={(value) => set({ actor: value })}
          sx={FIELD_SX}
        />
        <DebouncedSearchField
          label="Subject type"
          placeholder="e.g. Release"
          value={subjectType ?? ''}
          onSearch={(value) => set({ type: value })}
          sx={FIELD_SX}
        />
        <DebouncedSearchField
          label="Subject id"
          value={subjectId ?? ''}
          onSearch={(value) => set({ subject: value })}
          sx={FIELD_SX}
        />
        <DateRangeFields what="Changed" from={from} to={to} onChange={(range) => set(range)} />
        {filtered && (
          <Button onClick={clearFilters} size="small">
            Clear filters
          </Button>
        )}
      </Stack>

      <PagedListFrame
        list={audit}
        noun={['event', 'events']}
        filtered={filtered}
        onClearFilters={clearFilters}
        emptyHint="Every change is recorded here, with who made it and why."
      >
        <TableContainer component={Paper} variant="outlined" sx={{ opacity: audit.stale ? 0.6 : 1 }}>
          <Table aria-label="Audit events" size="small">
            <TableHead>
              <TableRow>
                <TableCell>Time</TableCell>
                <TableCell>Actor</TableCell>
                <TableCell>Action</TableCell>
                <TableCell>Subject</TableCell>
                <TableCell>Reason</TableCell>
                <TableCell align="right">Before / after</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {audit.events.map((event) => (
                <EventRow
                  key={event.id}
                  event={event}
                  open={event.id === openEvent}
                  onToggle={() => set({ event: event.id === openEvent ? null : event.id })}
                />
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      </PagedListFrame>
    </Stack>
  );
}
