/** The OTLP receiver's public surface. */
export { OtlpReceiver, type OtlpReceiverOptions } from './receiver';
export {
  otlpReceiverConfigSchema, otlpHttpConfigSchema, otlpGrpcConfigSchema,
  type OtlpReceiverConfig, type OtlpHttpConfig, type OtlpGrpcConfig,
  DEFAULT_MAX_REQUEST_BODY_SIZE, DEFAULT_HTTP_ENDPOINT, DEFAULT_GRPC_ENDPOINT,
} from './config';
export { validateRequest, type ValidationResult } from './validate';
export { classifyConsumerError, DEFAULT_RETRY_AFTER_SECONDS } from './status';
