import type { InstanceUpdate } from '../../db/schema.js';
import type { ImageService } from './image-service.js';
import { CoalescingWriter } from './coalescing-writer.js';
import type { PullStatus } from './pull-status.js';

/** The create's share of progress a pull takes: from 30 % (volumes ready) to 45 % (container next). */
const FROM = 30;
const SPAN = 15;
/** The row is written at most this often while a pull moves. */
const WRITE_INTERVAL_MS = 400;

type Progress = (percent: number, message: string, patch?: Omit<InstanceUpdate, 'status'>) => Promise<void>;

/**
 * A create's image step: when the image is missing, pulls it (or joins the pull under way) and keeps
 * the row's `pull_progress` current under the status message `pulling image`; records the digest of
 * the image the container will run. A failed pull rejects with its coded reason (the row then fails).
 */
export async function ensureImageForCreate(
  images: Pick<ImageService, 'ensure'>, image: string, progress: Progress, onWriteError: (err: unknown) => void,
): Promise<void> {
  const writer = new CoalescingWriter<PullStatus>(
    (s) => progress(FROM + Math.floor((s.percent * SPAN) / 100), 'pulling image', { pull_progress: JSON.stringify(s) }),
    WRITE_INTERVAL_MS, onWriteError,
  );
  try {
    const details = await images.ensure(image, (s) => writer.push(s));
    await writer.flush();
    await progress(FROM + SPAN, 'creating container', { image_digest: details.digest });
  } catch (err) {
    await writer.flush();
    throw err;
  }
}
