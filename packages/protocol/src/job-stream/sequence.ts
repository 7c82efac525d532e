import type { BusError } from '../errors.ts';
import type { Usage, WorkerReply } from '../reply.ts';
import { decodeWorkerReply, JobStreamError, StreamFault } from './decode.ts';
import { encodeAccept, encodeFailure, encodeFinal, encodeFinalByReference, encodeKeepAlive, encodeRawChunk } from './encode.ts';
import { fitsInline } from './inline.ts';

/*
 * After the accept, every reply of a job carries one increasing `seq` (keep-alives included), so
 * the edge can tell a lost message from a slow worker. The writer owns the counter on the worker,
 * the reader checks it on the edge, one reader per worker tried.
 */

/** Encodes one job's replies on the worker, numbering them. */
export class ReplyWriter {
  private seq = 0;

  constructor(
    readonly requestId: string,
    readonly workerId: string,
  ) {}

  accept(): string {
    return encodeAccept(this.requestId, this.workerId);
  }

  /** A raw native chunk line (one JSON object); undefined, taking no seq, when it would not fit in `maxBytes`. */
  chunk(rawJsonObject: string, maxBytes: number): string | undefined {
    const payload = encodeRawChunk(this.requestId, this.seq, rawJsonObject);
    if (!fitsInline(payload, maxBytes)) return undefined;
    this.seq++;
    return payload;
  }

  keepAlive(): string {
    return encodeKeepAlive(this.requestId, this.seq++);
  }

  /**
   * The final with its data inline (`dataText`: data's JSON text as received, see encodeFinal);
   * undefined, taking no seq, when it would not fit (send finalByReference then).
   */
  final(data: Record<string, unknown>, usage: Usage, maxBytes: number, dataText?: string): string | undefined {
    const payload = encodeFinal(this.requestId, this.seq, data, usage, this.workerId, dataText);
    if (!fitsInline(payload, maxBytes)) return undefined;
    this.seq++;
    return payload;
  }

  /** Its seq is taken now, so keep-alives may go out while the data is being stored. */
  finalByReference(dataRef: string, usage: Usage): string {
    return encodeFinalByReference(this.requestId, this.seq++, dataRef, usage, this.workerId);
  }

  failure(error: BusError): string {
    return encodeFailure(this.requestId, this.seq++, error, this.workerId);
  }
}

/** Decodes the replies of one job from one worker, checking their sequence. */
export class ReplyReader {
  private nextSeq = 0;

  /**
   * Throws a JobStreamError: `malformed`, or `out_of_sequence` for a keep-alive, chunk or final
   * that is not the next one. An error reply is the worker's last word and is taken as it comes:
   * its reason says more than a gap before it would.
   */
  read(bytes: Uint8Array): WorkerReply {
    const reply = decodeWorkerReply(bytes);
    if (reply.type === 'keepalive' || reply.type === 'chunk' || reply.type === 'final') {
      if (reply.seq !== this.nextSeq) throw new JobStreamError(StreamFault.OutOfSequence, `expected reply ${this.nextSeq}, got ${reply.seq}`, reply.requestId);
      this.nextSeq++;
    }
    return reply;
  }
}
