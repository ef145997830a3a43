import { Module } from '@nestjs/common';
import { ChatController } from './chat.controller.js';
import { ChatRepository } from './chat.repository.js';
import { ChatService } from './chat.service.js';

/** `POST /v1/chat/completions` and `GET /v1/models`: the OpenAI-compatible facade. */
@Module({
  controllers: [ChatController],
  providers: [ChatRepository, ChatService],
})
export class ChatModule {}
