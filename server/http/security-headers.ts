import helmet from 'helmet';
import type { NextFunction, Request, Response } from 'express';
import type { Config } from '../config.ts';

/** Strict CSP (no inline script or style), and HSTS/upgrade-insecure-requests only when served over TLS. */
export function securityHeaders(config: Config) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(config.tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.tls ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

/** Private pages must not be kept by browsers or proxies. */
export function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
