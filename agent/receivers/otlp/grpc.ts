/**
 * The OTLP/gRPC front end: the three Export services of the OTLP
 * specification on one @grpc/grpc-js server. Messages are (de)serialised
 * with the same protobufjs types as OTLP/HTTP; the request is decoded in the
 * handler rather than in grpc-js' deserialiser, so a broken message gets
 * INVALID_ARGUMENT with a readable reason instead of a generic INTERNAL.
 *
 * gzip and deflate message compression is handled by grpc-js, which applies
 * max_recv_msg_size_mib to the decompressed size as well (RESOURCE_EXHAUSTED).
 *
 *   OK                 Export*ServiceResponse (partial_success when items were dropped)
 *   INVALID_ARGUMENT   undecodable message, or PermanentError from the pipeline
 *   UNAVAILABLE        back-pressure (RetryableError, with google.rpc.RetryInfo) or an
 *                      unexpected pipeline error, as the Collector does; also while shutting down
 *   RESOURCE_EXHAUSTED message over max_recv_msg_size_mib (from grpc-js), or the memory limiter
 *                      is over its soft limit (refused before decoding, with RetryInfo)
 */
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { SIGNALS, type Signal } from '../../otlp/model';
import { serviceName } from '../../otlp/root';
import { encodeResponse, OtlpDecodeError } from '../../otlp/codec';
import { decodeProtoRequestLazily } from '../../otlp/lazy';
import { nextTurn } from '../../component/turns';
import { splitEndpoint } from '../../config/endpoint';
import type { OtlpGrpcConfig } from './config';
import { ConsumerRefusal, type Ingest } from './ingest';
import { encodeRpcStatusWithRetryInfo } from './retry-info';
import type { ReceiverTelemetry } from './telemetry';

export interface GrpcFrontEndDeps {
  config: OtlpGrpcConfig;
  ingest: Ingest;
  telemetry: ReceiverTelemetry;
  logger: Logger;
}

const passThrough = (b: Buffer): Buffer => b;

/** The gRPC method path of a signal's Export rpc, e.g. /opentelemetry.proto.collector.trace.v1.TraceService/Export */
export function exportMethodPath(signal: Signal): string {
  return `/${serviceName(signal)}/Export`;
}

function serviceDefinition(signal: Signal): grpc.ServiceDefinition {
  return {
    Export: {
      path: exportMethodPath(signal),
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
      originalName: 'export',
    },
  };
}

export class OtlpGrpcServer {
  private server?: grpc.Server;
  private boundAddress?: string;
  private closing?: Promise<void>;

  constructor(private readonly deps: GrpcFrontEndDeps) {}

  get address(): string | undefined {
    return this.boundAddress;
  }

  async start(): Promise<void> {
    const maxBytes = Math.floor(this.deps.config.max_recv_msg_size_mib * 1024 * 1024);
    const server = new grpc.Server({ 'grpc.max_receive_message_length': maxBytes });
    for (const signal of SIGNALS) {
      server.addService(serviceDefinition(signal), { Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => this.handle(signal, call, cb) });
    }
    const { endpoint } = this.deps.config;
    const { host, port: wantedPort } = splitEndpoint(endpoint);
    const target = host.includes(':') ? `[${host}]:${wantedPort}` : `${host}:${wantedPort}`;
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (err, p) => {
        if (err) reject(new Error(`OTLP/gRPC receiver cannot listen on receivers.otlp.grpc.endpoint ${endpoint}: ${err.message}`));
        else resolve(p);
      });
    });
    this.server = server;
    this.boundAddress = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }

  /** Stops accepting calls; pending calls complete before the promise resolves. */
  shutdown(): Promise<void> {
    if (!this.server) return Promise.resolve();
    if (this.closing) return this.closing;
    const server = this.server;
    this.closing = new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
    });
    return this.closing;
  }

  private handle(signal: Signal, call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>): void {
    const started = Date.now();
    const { telemetry } = this.deps;
    const answer = (err: grpc.ServerErrorResponse | null, body?: Buffer) => {
      telemetry.recordRequest(signal, 'grpc', grpc.status[err?.code ?? grpc.status.OK] ?? String(err?.code), (Date.now() - started) / 1000);
      callback(err, body);
    };
    if (this.closing) {
      answer(errorResponse(grpc.status.UNAVAILABLE, 'the agent is shutting down; retry against the new instance'));
      return;
    }
    const overLimit = this.deps.ingest.admit(signal, 'grpc');
    if (overLimit) {
      answer(errorResponse(overLimit.grpcCode, overLimit.message, overLimit.retryAfterSeconds));
      return;
    }
    void this.decodeAndExport(signal, call.request, answer);
  }

  /**
   * Decode, then validation and the pipeline, each in its own event-loop turn
   * (agent/component/turns.ts), as the HTTP front end does: grpc-js hands
   * over every call whose message completed in one poll phase, and /healthz
   * must not wait for all of them.
   */
  private async decodeAndExport(signal: Signal, request: Buffer, answer: (err: grpc.ServerErrorResponse | null, body?: Buffer) => void): Promise<void> {
    const { logger } = this.deps;
    await nextTurn();
    let data;
    try {
      data = decodeProtoRequestLazily(signal, request);
    } catch (err) {
      const message = err instanceof OtlpDecodeError ? err.message : `cannot decode the request: ${String(err)}`;
      logger.debug({ signal, reason: message }, 'refused an OTLP/gRPC request');
      answer(errorResponse(grpc.status.INVALID_ARGUMENT, message));
      return;
    }
    await nextTurn();
    try {
      const partial = await this.deps.ingest.export(signal, data, 'grpc', request);
      answer(null, encodeResponse(signal, 'proto', partial));
    } catch (err) {
      if (err instanceof ConsumerRefusal) {
        const f = err.failure;
        answer(errorResponse(f.grpcCode, f.message, f.retryAfterSeconds));
      } else {
        logger.error({ err, signal }, 'OTLP/gRPC request failed unexpectedly');
        answer(errorResponse(grpc.status.INTERNAL, `internal error: ${(err as Error)?.message ?? String(err)}`));
      }
    }
  }
}

/**
 * A gRPC error; with a retry delay it carries google.rpc.RetryInfo in
 * grpc-status-details-bin, which the OTLP specification tells clients to honour.
 */
function errorResponse(code: grpc.status, details: string, retryAfterSeconds?: number): grpc.ServerErrorResponse {
  const err = Object.assign(new Error(details), { code, details }) as grpc.ServerErrorResponse;
  if (retryAfterSeconds !== undefined) {
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', encodeRpcStatusWithRetryInfo(code, details, retryAfterSeconds));
    err.metadata = metadata;
  }
  return err;
}
