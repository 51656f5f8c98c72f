-- CreateTable
CREATE TABLE "action_budgets" (
    "subject" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "action_budgets_pkey" PRIMARY KEY ("subject")
);

-- CreateIndex
CREATE INDEX "action_budgets_window_start_idx" ON "action_budgets"("window_start");
