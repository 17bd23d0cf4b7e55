import protobuf from 'protobufjs/light.js';
import { AppError } from '../../../errors.js';
import { type ProtoBoundLimits, ProtoBounds } from './proto-bounds.js';

/**
 * The OTLP logs messages (opentelemetry-proto v1: collector/logs/v1/logs_service.proto,
 * logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto) and google.rpc.Status,
 * as a protobufjs descriptor: only the fields a receiver reads, with the spec's field numbers.
 * Unknown fields (entity refs, future additions) are skipped by the decoder, as proto3 requires.
 * The light build takes a descriptor and needs no .proto parser at run time.
 */
const DESCRIPTOR = {
  nested: {
    otlp: {
      nested: {
        ExportLogsServiceRequest: { fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } } },
        ExportLogsServiceResponse: { fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } } },
        ExportLogsPartialSuccess: {
          fields: { rejectedLogRecords: { type: 'int64', id: 1 }, errorMessage: { type: 'string', id: 2 } },
        },
        ResourceLogs: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        Resource: {
          fields: {
            attributes: { rule: 'repeated', type: 'KeyValue', id: 1 },
            droppedAttributesCount: { type: 'uint32', id: 2 },
          },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'AnyValue', id: 5 },
            attributes: { rule: 'repeated', type: 'KeyValue', id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            eventName: { type: 'string', id: 12 },
          },
        },
        AnyValue: {
          oneofs: {
            value: {
              oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { rule: 'repeated', type: 'KeyValue', id: 1 } } },
        KeyValue: { fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } } },
        Status: {
          fields: {
            code: { type: 'int32', id: 1 },
            message: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
const RequestType = root.lookupType('otlp.ExportLogsServiceRequest');
const ResponseType = root.lookupType('otlp.ExportLogsServiceResponse');
const StatusType = root.lookupType('otlp.Status');

/**
 * Decodes a protobuf ExportLogsServiceRequest into its proto3 JSON form (lowerCamelCase names,
 * 64-bit integers as decimal strings, bytes as base64), the same form an OTLP/JSON body has
 * except for the ids, which {@link toOtlpJsonIds} turns into hex. A body that is not a valid
 * message answers 400.
 *
 * @example
 * const doc = decodeLogsRequest(bytes); // { resourceLogs: [...] }
 */
export function decodeLogsRequest(bytes: Uint8Array): Record<string, unknown> {
  let message: protobuf.Message;
  try {
    message = RequestType.decode(bytes);
  } catch (err) {
    throw new AppError(
      'invalid_body',
      `the body is not a valid OTLP ExportLogsServiceRequest: ${(err as Error).message}`,
    );
  }
  return RequestType.toObject(message, { longs: String, enums: Number, bytes: String, oneofs: false });
}

/**
 * A wire-format walker that bounds an ExportLogsServiceRequest while it streams in (see ProtoBounds).
 *
 * @example
 * const bounds = logsRequestBounds({ maxElements: 100_000, maxDepth: 32, maxRecords: 10_000 });
 */
export function logsRequestBounds(limits: ProtoBoundLimits): ProtoBounds {
  return new ProtoBounds(RequestType, limits);
}

/** Encodes an ExportLogsServiceResponse; `partialSuccess` only when something was rejected. */
export function encodeLogsResponse(partial: { rejected: number; message: string } | undefined): Uint8Array {
  const body = partial
    ? { partialSuccess: { rejectedLogRecords: partial.rejected, errorMessage: partial.message } }
    : {};
  return ResponseType.encode(ResponseType.fromObject(body)).finish();
}

/** Encodes a google.rpc.Status, the body OTLP/HTTP error responses carry. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return StatusType.encode(StatusType.fromObject({ code, message })).finish();
}
