-- The Owner role can be handed to an Admin. The team keeps its id (the first Owner's user id, which the team's
-- connections, links and settings carry as owner_id), so an Owner who received the role has team_id set, and the
-- first Owner, once an Admin, has team_id = their own id. Only people who are not the Owner must name a team.
ALTER TABLE "users" DROP CONSTRAINT "users_team_check";
ALTER TABLE "users" ADD CONSTRAINT "users_team_check" CHECK ("role" = 'owner' OR "team_id" IS NOT NULL);

-- One Owner per team, whoever holds the role.
CREATE UNIQUE INDEX "users_one_owner_per_team" ON "users" ((COALESCE("team_id", "id"))) WHERE "role" = 'owner';
