/**
 * A minimal OTLP/gRPC endpoint for tests: the three Export rpcs on a
 * @grpc/grpc-js server, decoding with Lookout's codec, keeping what arrives.
 */
import * as grpc from '@grpc/grpc-js';
import { decodeProtoRequest, encodeResponse } from '../../../agent/otlp/codec';
import type { Signal, SignalData } from '../../../agent/otlp/model';
import { serviceName } from '../../../agent/otlp/root';

const passThrough = (b: Buffer): Buffer => b;

export class GrpcSink {
  readonly received: { signal: Signal; metadata: grpc.Metadata; data: SignalData[Signal] }[] = [];
  private server?: grpc.Server;
  url = '';

  async start(): Promise<this> {
    const server = new grpc.Server();
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const definition: grpc.ServiceDefinition = {
        Export: {
          path: `/${serviceName(signal)}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: passThrough,
          requestDeserialize: passThrough,
          responseSerialize: passThrough,
          responseDeserialize: passThrough,
        },
      };
      server.addService(definition, {
        Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          this.received.push({ signal, metadata: call.metadata, data: decodeProtoRequest(signal, call.request) });
          callback(null, encodeResponse(signal, 'proto'));
        },
      });
    }
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    this.server = server;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  of<S extends Signal>(signal: S): SignalData[S][] {
    return this.received.filter((r) => r.signal === signal).map((r) => r.data as SignalData[S]);
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.tryShutdown(() => resolve()));
  }
}
