'use client';
// The playground's rollout picture for a ramp the dashboard moved. The server evaluates the
// sample (lib/ramp-sample.ts) and sends each distinct outcome once with an index per user, a
// few kilobytes where whole objects per user would be hundreds.
import RolloutChart, { type Sample, type Served } from '../RolloutChart';
import type { RolloutAt } from '../../lib/rollouts';

export interface SampledRamp {
  at: RolloutAt;
  from: number;
  to: number;
  /** The attribute each sampled user differs in (`sample-0`, `sample-1`, …). */
  bucketBy: string;
  served: Served[];
  before: number[];
  after: number[];
  buckets: (number | null)[];
}

export default function RampPicture({ sampled }: { sampled: SampledRamp }) {
  const users: Sample[] = sampled.buckets.map((bucket, i) => ({
    key: `sample-${i}`,
    before: sampled.served[sampled.before[i]],
    after: sampled.served[sampled.after[i]],
    bucket,
  }));
  return <RolloutChart at={sampled.at} from={sampled.from} to={sampled.to} users={users} />;
}
