/** Where an error comes from: the user's input (4xx), an external system, or Riffle itself (5xx). */
export type ErrorDomain = 'user' | 'external' | 'internal';

export interface RiffleErrorInfo {
  code: string;
  message: string;
  domain: ErrorDomain;
  retryable: boolean;
  nodeId?: string;
}

/** An error with a stable code, a domain and a retry hint (STYLE.md habit 7). */
export class RiffleError extends Error implements RiffleErrorInfo {
  readonly code: string;
  readonly domain: ErrorDomain;
  readonly retryable: boolean;
  declare readonly nodeId?: string;

  constructor(info: Omit<RiffleErrorInfo, 'message'> & { message: string; cause?: unknown }) {
    super(info.message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'RiffleError';
    this.code = info.code;
    this.domain = info.domain;
    this.retryable = info.retryable;
    if (info.nodeId !== undefined) this.nodeId = info.nodeId;
  }

  toJSON(): RiffleErrorInfo {
    return {
      code: this.code,
      message: this.message,
      domain: this.domain,
      retryable: this.retryable,
      ...(this.nodeId === undefined ? {} : { nodeId: this.nodeId }),
    };
  }
}
