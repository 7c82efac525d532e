DROP INDEX "usage_daily_bucket_idx";--> statement-breakpoint
DROP INDEX "usage_hourly_bucket_idx";--> statement-breakpoint
CREATE INDEX "usage_daily_bucket_totals_idx" ON "usage_daily" USING btree ("bucket_start","key_id","team_id","model","requests","errors","prompt_tokens","completion_tokens","cost_usd","gpu_ns");--> statement-breakpoint
CREATE INDEX "usage_hourly_bucket_totals_idx" ON "usage_hourly" USING btree ("bucket_start","key_id","team_id","model","requests","errors","prompt_tokens","completion_tokens","cost_usd","gpu_ns");