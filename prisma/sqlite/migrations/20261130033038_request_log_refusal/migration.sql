-- AlterTable
ALTER TABLE "RequestLog" ADD COLUMN "refusal" TEXT;
