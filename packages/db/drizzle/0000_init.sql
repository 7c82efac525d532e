CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"models" text[] DEFAULT '{}'::text[] NOT NULL,
	"rpm" integer,
	"tpm" integer,
	"budget_usd" numeric(14, 6),
	"spent_usd" numeric(20, 10) DEFAULT '0' NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"alias" text PRIMARY KEY NOT NULL,
	"target" text NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"think" jsonb,
	"keep_alive" jsonb,
	"request_timeout_ms" integer,
	"exclude_reasoning" boolean DEFAULT false NOT NULL,
	"input_price_per_mtok" numeric(14, 6),
	"output_price_per_mtok" numeric(14, 6),
	"visible" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "responses" (
	"id" text PRIMARY KEY NOT NULL,
	"key_id" uuid,
	"model" text NOT NULL,
	"messages" jsonb NOT NULL,
	"output" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"key_id" uuid,
	"alias" text NOT NULL,
	"model" text NOT NULL,
	"endpoint" text NOT NULL,
	"stream" boolean NOT NULL,
	"status" text NOT NULL,
	"http_status" integer NOT NULL,
	"error_code" text,
	"prompt_tokens" integer NOT NULL,
	"completion_tokens" integer NOT NULL,
	"ttft_ms" double precision,
	"duration_ms" double precision NOT NULL,
	"load_duration_ns" bigint,
	"prompt_eval_duration_ns" bigint,
	"eval_duration_ns" bigint,
	"worker_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"cost_usd" numeric(20, 10) DEFAULT '0' NOT NULL,
	"inserted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_request_id_unique" UNIQUE("request_id")
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"key_id" uuid,
	"model" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 10) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_daily_key_model_bucket" UNIQUE NULLS NOT DISTINCT("key_id","model","bucket_start")
);
--> statement-breakpoint
CREATE TABLE "usage_hourly" (
	"key_id" uuid,
	"model" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric(20, 10) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_hourly_key_model_bucket" UNIQUE NULLS NOT DISTINCT("key_id","model","bucket_start")
);
--> statement-breakpoint
CREATE INDEX "api_keys_created_at_idx" ON "api_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "responses_key_id_idx" ON "responses" USING btree ("key_id");--> statement-breakpoint
CREATE INDEX "usage_started_at_idx" ON "usage" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "usage_key_started_at_idx" ON "usage" USING btree ("key_id","started_at");