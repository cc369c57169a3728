-- Budgets that help (issue 15): a request whose worst case does not fit the budget left is capped
-- to the output that fits, and refused only below this many output tokens. Set on the default row
-- (subject '*'); null there: WeBox's default (256).
ALTER TABLE "limit_policy" ADD COLUMN "min_useful_output_tokens" integer;
