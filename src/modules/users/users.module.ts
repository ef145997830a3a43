import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { TeamsModule } from '../teams/teams.module.js';
import { MembersController } from './members.controller.js';
import { ServiceAccountsController } from './service-accounts.controller.js';
import { TeamKeysController } from './team-keys.controller.js';
import { TeamMembersService } from './team-members.service.js';
import { UserKeysService } from './user-keys.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** Users, memberships and roles, service accounts, and the API-key routes over them. */
@Module({
  imports: [ApiKeysModule, TeamsModule],
  controllers: [UsersController, MembersController, ServiceAccountsController, ApiKeysController, TeamKeysController],
  providers: [UsersRepository, UsersService, TeamMembersService, UserKeysService],
})
export class UsersModule {}
