import { randomBytes } from 'node:crypto';
import { createThinkingSigner, type ThinkingSigner } from '@corral/anthropic';
import type { EdgeContext } from '../../context.ts';

/**
 * The edge's thinking-block signer: ANTHROPIC_SIGNATURE_KEY when set (shared by every edge, so a block
 * signed by one verifies on another and after a restart), else a random key drawn now. A random key
 * keeps signatures unforgeable with nothing to configure on a single edge; its cost — blocks from
 * another edge or an earlier process are refused — is said once at start.
 */
export function thinkingSigner(context: EdgeContext): ThinkingSigner {
  const configured = context.config.ANTHROPIC_SIGNATURE_KEY;
  if (configured !== undefined) return createThinkingSigner(configured);
  context.logger.info({}, 'ANTHROPIC_SIGNATURE_KEY is not set: thinking blocks are signed with a random per-process key (blocks signed by other edges or before a restart will be refused)');
  return createThinkingSigner(randomBytes(32));
}
