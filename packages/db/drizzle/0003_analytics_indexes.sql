CREATE TABLE "usage_team_daily" (
	"team_id" uuid,
	"bucket_start" timestamp with time zone NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 10) DEFAULT '0' NOT NULL,
	"gpu_ns" bigint DEFAULT 0 NOT NULL,
	"duration_ms_sum" double precision DEFAULT 0 NOT NULL,
	"ttft_ms_sum" double precision DEFAULT 0 NOT NULL,
	"ttft_histogram" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"duration_histogram" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	CONSTRAINT "usage_team_daily_team_bucket" UNIQUE NULLS NOT DISTINCT("team_id","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "usage_team_hourly" (
	"team_id" uuid,
	"bucket_start" timestamp with time zone NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 10) DEFAULT '0' NOT NULL,
	"gpu_ns" bigint DEFAULT 0 NOT NULL,
	"duration_ms_sum" double precision DEFAULT 0 NOT NULL,
	"ttft_ms_sum" double precision DEFAULT 0 NOT NULL,
	"ttft_histogram" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	"duration_histogram" bigint[] DEFAULT '{}'::bigint[] NOT NULL,
	CONSTRAINT "usage_team_hourly_team_bucket" UNIQUE NULLS NOT DISTINCT("team_id","bucket_start")
);
--> statement-breakpoint
DROP INDEX "usage_started_at_idx";--> statement-breakpoint
DROP INDEX "usage_key_started_at_idx";--> statement-breakpoint
CREATE INDEX "usage_team_daily_bucket_idx" ON "usage_team_daily" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "usage_team_hourly_bucket_idx" ON "usage_team_hourly" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "usage_started_at_id_idx" ON "usage" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "usage_key_started_at_id_idx" ON "usage" USING btree ("key_id","started_at","id");--> statement-breakpoint
CREATE INDEX "usage_team_started_at_id_idx" ON "usage" USING btree ("team_id","started_at","id");--> statement-breakpoint
CREATE INDEX "usage_alias_started_at_id_idx" ON "usage" USING btree ("alias","started_at","id");--> statement-breakpoint
CREATE INDEX "usage_status_started_at_id_idx" ON "usage" USING btree ("status","started_at","id");--> statement-breakpoint
CREATE INDEX "usage_daily_bucket_idx" ON "usage_daily" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "usage_daily_team_bucket_idx" ON "usage_daily" USING btree ("team_id","bucket_start");--> statement-breakpoint
CREATE INDEX "usage_hourly_bucket_idx" ON "usage_hourly" USING btree ("bucket_start");--> statement-breakpoint
CREATE INDEX "usage_hourly_team_bucket_idx" ON "usage_hourly" USING btree ("team_id","bucket_start");