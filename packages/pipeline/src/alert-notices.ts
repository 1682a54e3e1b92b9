import type { StoredAlert } from '@airfill/db';
import { MAX_ALERT_NOTICES, type AlertNotice } from '@airfill/schema';

const KIND_WORDS: Record<StoredAlert['kind'], string> = {
  dead: 'silent',
  stuck: 'stuck on one value',
  drift: 'drifting from its neighbours',
};

/** A subject SNS accepts: printable ASCII on one line, at most 100 characters. */
function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 100 ? ascii : `${ascii.slice(0, 99)}~`;
}

/** A message's length at most (the notice schema's bound; SNS takes 256 KB, the state machine's whole state as much). */
const MESSAGE_CHARS = 8_000;

/** Alerts past the limit listed in the counting message, one short line each (it stays within a few kB). */
const LISTED = 60;

const minute = (date: Date) => `${date.toISOString().slice(0, 16)}Z`;

/**
 * The alerts a run raised as messages, one per sensor and episode, for the
 * state machine to publish to the alarm topic: a subject naming the sensor,
 * parameter and kind, and a body with the episode, the check's detail, the
 * run and where to look. Past `limit` alerts, one more message counts the
 * rest, so a network-wide failure cannot flood the subscribers.
 */
export function alertNotices(alerts: readonly StoredAlert[], runId: string, limit = MAX_ALERT_NOTICES): AlertNotice[] {
  const notices = alerts.slice(0, limit).map(
    (alert): AlertNotice => ({
      subject: subjectLine(`airfill: ${alert.deviceId} ${alert.parameter} ${KIND_WORDS[alert.kind]} since ${minute(alert.startedAt)}`),
      message: [
        `Sensor ${alert.deviceId}, ${alert.parameter}: ${KIND_WORDS[alert.kind]} (${alert.kind}).`,
        `Episode: ${alert.startedAt.toISOString()} to ${alert.endedAt.toISOString()}.`,
        `Check: ${alert.detail}`,
        `Raised by run ${runId}. One message per sensor and episode: a longer episode raises no new message.`,
        `Its flags: airfill flags --device ${JSON.stringify(alert.deviceId)} --parameter ${JSON.stringify(alert.parameter)}`,
      ]
        .join('\n')
        .slice(0, MESSAGE_CHARS),
    }),
  );
  const rest = alerts.slice(limit);
  if (rest.length > 0) {
    const sensors = new Set(rest.map((alert) => alert.deviceId)).size;
    notices.push({
      subject: subjectLine(`airfill: ${rest.length} more quality alerts in run ${runId}`),
      message: [
        `Run ${runId} raised ${alerts.length} alerts; ${limit} were sent one by one.`,
        `${rest.length} more, on ${sensors} sensor(s), are in the quality_alerts table and the run's logs:`,
        ...rest.slice(0, LISTED).map((alert) => `- ${alert.deviceId.slice(0, 40)} ${alert.parameter.slice(0, 20)} ${alert.kind} from ${alert.startedAt.toISOString()}`),
        ...(rest.length > LISTED ? [`- and ${rest.length - LISTED} more`] : []),
      ]
        .join('\n')
        .slice(0, MESSAGE_CHARS),
    });
  }
  return notices;
}
