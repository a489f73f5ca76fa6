import fs from 'node:fs';

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux only). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / CLK_TCK;
}

/** Linux reports CPU times in clock ticks of 1/100 s on every common platform. */
const CLK_TCK = 100;

/** Resident set size of a process in KB. */
export function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
