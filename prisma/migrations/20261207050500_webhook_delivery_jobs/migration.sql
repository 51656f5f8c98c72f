-- Each webhook delivery row gets its job on the job queue (graphile-worker, lib/jobs) in the same
-- transaction that inserts it (a download and its event), due at the row's next attempt. Until the
-- queue's schema exists (it is created right after these migrations) nothing is queued here; the
-- "webhooks:queue_overdue" job picks such rows up. One job per row: the job key.
CREATE FUNCTION queue_webhook_delivery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.next_attempt_at IS NOT NULL AND NEW.delivered_at IS NULL AND NEW.failed_at IS NULL
     AND to_regnamespace('graphile_worker') IS NOT NULL THEN
    PERFORM graphile_worker.add_job('webhooks:deliver', json_build_object('id', NEW.id::text),
      run_at := NEW.next_attempt_at, max_attempts := 1, job_key := 'webhook-delivery:' || NEW.id::text);
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER webhook_deliveries_queue_job AFTER INSERT ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION queue_webhook_delivery();
