/**
 * Mounts an API router on the admin server as a component, so APIs appear
 * in start order with what they serve (and /readyz covers them).
 */
import type { Router } from 'express';
import type { Component, Host } from '../component/component';

export class MountedRouter implements Component {
  constructor(readonly id: string, private readonly factory: () => Router) {}

  async start(host: Host): Promise<void> {
    host.adminRouter.use(this.factory());
  }

  async shutdown(): Promise<void> {}
}
