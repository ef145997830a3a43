import { Module } from '@nestjs/common';
import { SecretsModule } from '../secrets/secrets.module.js';
import { ChatController } from './chat.controller.js';
import { ChatRepository } from './chat.repository.js';
import { ChatService } from './chat.service.js';

/** `POST /v1/chat/completions` and `GET /v1/models`: the OpenAI-compatible facade. */
@Module({
  imports: [SecretsModule],
  controllers: [ChatController],
  providers: [ChatRepository, ChatService],
})
export class ChatModule {}
