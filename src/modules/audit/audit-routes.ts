import { Inject, Injectable, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AUDIT_KEY, type AuditSpec } from './audit.decorator.js';

function joinPath(...parts: string[]): string {
  const p = `/${parts.join('/')}`.replace(/\/+/g, '/');
  return p.length > 1 ? p.replace(/\/$/, '') : p;
}

function asArray(v: unknown): string[] {
  if (v === undefined || v === null) return [''];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

/**
 * `@Audit` specs by `METHOD /route/:template`, so a request refused by a
 * guard (before any interceptor runs) is still recorded under its action.
 */
@Injectable()
export class AuditRoutes {
  private readonly specs = new Map<string, AuditSpec>();
  private built = false;

  constructor(
    @Inject(DiscoveryService) private readonly discovery: DiscoveryService,
    @Inject(MetadataScanner) private readonly scanner: MetadataScanner,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  lookup(method: string, route: string | undefined): AuditSpec | undefined {
    if (!route) return undefined;
    if (!this.built) this.build();
    return this.specs.get(`${method.toUpperCase()} ${joinPath(route)}`);
  }

  private build(): void {
    this.built = true;
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!type?.prototype) continue;
      const bases = asArray(Reflect.getMetadata(PATH_METADATA, type));
      for (const name of this.scanner.getAllMethodNames(type.prototype)) {
        const handler = (type.prototype as Record<string, unknown>)[name] as object;
        const spec = this.reflector.getAllAndOverride<AuditSpec | undefined>(AUDIT_KEY, [handler as never, type]);
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (!spec || method === undefined) continue;
        for (const base of bases) {
          for (const path of asArray(Reflect.getMetadata(PATH_METADATA, handler))) {
            this.specs.set(`${RequestMethod[method]} ${joinPath(base, path)}`, spec);
          }
        }
      }
    }
  }
}
