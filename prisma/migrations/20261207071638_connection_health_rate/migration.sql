-- Link health checks: each connection's own pace (requests per second); null: HEALTH_CHECK_RATE.
ALTER TABLE "storage_connections" ADD COLUMN "health_check_rate" DOUBLE PRECISION;
