import { Inject, Injectable } from '@nestjs/common';
import { generateApiKey } from '../../platform/auth/api-key-format.js';
import { FirstAdminRepository } from './first-admin.repository.js';

export interface FirstAdminResult {
  created: boolean;
  email?: string;
  /** The new admin's API key, shown once. */
  key?: string;
}

/**
 * The first admin of a new installation (`mantis init`): created once, with
 * an API key; running it again changes nothing. The CLI builds it over its
 * own database connection, outside the HTTP app.
 */
@Injectable()
export class FirstAdminService {
  constructor(@Inject(FirstAdminRepository) private readonly repo: FirstAdminRepository) {}

  async ensure(adminEmail: string): Promise<FirstAdminResult> {
    const email = adminEmail.trim().toLowerCase();
    const key = generateApiKey();
    if (!(await this.repo.ensure(email, { hash: key.hash, prefix: key.prefix }))) return { created: false };
    return { created: true, email, key: key.raw };
  }
}
