// Transcribes raw clips with Basic Pitch (@spotify/basic-pitch 1.0.1, pure tfjs on the CPU), one process for many
// clips so that the model loads once:
//   node train/judge/basic_pitch.mjs LIST.json > NOTES.json
// LIST.json: ["clip.f32", …], each little-endian float32 mono at 22 050 Hz. Out: one list of notes per clip, each
// [onset s, offset s, MIDI pitch]. Thresholds are Basic Pitch's Python defaults (onset 0.5, frame 0.3, notes of at
// least ~128 ms = 11 frames), so the judge is the published one, not one tuned to our codec.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
const { BasicPitch, outputToNotesPoly, noteFramesToTime } = require('@spotify/basic-pitch');

function modelFromDisk() {
  const dir = join(dirname(require.resolve('@spotify/basic-pitch/package.json')), 'model');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const buffers = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dir, p))));
  const weights = Buffer.concat(buffers);
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  }));
}

async function main() {
  if (process.argv.length !== 3) {
    process.stderr.write('usage: node basic_pitch.mjs LIST.json\n');
    process.exit(1);
  }
  const list = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  const basicPitch = new BasicPitch(modelFromDisk());
  const out = [];
  for (const path of list) {
    const bytes = readFileSync(path);
    const audio = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const frames = [], onsets = [];
    await basicPitch.evaluateModel(audio, (f, o) => { frames.push(...f); onsets.push(...o); }, () => {});
    const notes = noteFramesToTime(outputToNotesPoly(frames, onsets, 0.5, 0.3, 11));
    out.push(notes.map((n) => [n.startTimeSeconds, n.startTimeSeconds + n.durationSeconds, n.pitchMidi]));
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => { process.stderr.write(`${error.stack || error}\n`); process.exit(1); });
