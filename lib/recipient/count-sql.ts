/**
 * The statement that counts one download, as text with numbered parameters, so the app
 * and the bare benchmark server run the very same SQL:
 * $1 link id, $2 client address as logged, $3 user agent, $4 file path (multi-file shares; "*" =
 * Download all) or null.
 *
 * The conditional UPDATE only matches while the link is neither revoked, expired nor at its limit
 * (PostgreSQL re-checks the WHERE on the row it locks, so a limit of N gives exactly N under any
 * concurrency, across instances), and the same statement writes the access-log row and queues the
 * webhook deliveries (payload as documented for Settings → "Webhook URL"), keyed by the receiving
 * person: one for the team's Owner (whoever holds the role now: every link of the team) and one for the person who
 * issued the link (issued_by), each where they have a webhook URL and were not removed; the join
 * matches a person once, so an Owner who issued the link gets the event once. Nothing is written unless the download counts. Returns one row when counted.
 */
export const COUNT_DOWNLOAD_SQL = `
  WITH counted AS (
    UPDATE share_links
       SET download_count = download_count + 1, last_access_at = now()
     WHERE id = $1
       AND kind = 'managed'
       AND revoked_at IS NULL
       AND deleted_at IS NULL
       AND (never_expires OR expires_at > now())
       AND (download_limit IS NULL OR download_count < download_limit)
    RETURNING id, owner_id, issued_by, file_name, download_count, download_limit
  ), event AS (
    INSERT INTO link_events (link_id, created_at, outcome, client_address, user_agent, preview_agent, file_path)
    SELECT id, now(), 'download', $2::text, $3::text, false, $4::text FROM counted
  ), hook AS (
    INSERT INTO webhook_deliveries (owner_id, url, payload, next_attempt_at, created_at)
    SELECT u.id, u.webhook_url,
           jsonb_build_object(
             'type', 'link.downloaded',
             'occurredAt', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'link', jsonb_build_object('id', c.id, 'fileName', c.file_name, 'downloads', c.download_count, 'downloadLimit', c.download_limit)
               || CASE WHEN $4::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('filePath', $4::text) END,
             'recipient', jsonb_build_object('address', $2::text, 'userAgent', $3::text)
           ),
           now(), now()
      FROM counted c JOIN users u ON u.id IN (c.issued_by,
             (SELECT o.id FROM users o WHERE o.role = 'owner' AND COALESCE(o.team_id, o.id) = c.owner_id))
     WHERE u.webhook_url IS NOT NULL AND u.webhook_url <> '' AND u.removed_at IS NULL
  )
  SELECT download_count AS downloads, download_limit AS "downloadLimit" FROM counted`;
