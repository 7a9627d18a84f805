-- CreateTable
CREATE TABLE "JobLease" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "periodStart" DATETIME NOT NULL,
    "leaseUntil" DATETIME NOT NULL
);

