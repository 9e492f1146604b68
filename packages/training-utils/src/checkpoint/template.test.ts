import { describe, expect, it } from 'vitest';
import { formatCheckpointName, templateFields } from './template';

describe('formatCheckpointName', () => {
  // Expected strings are what Python's str.format gives for the same template and values.
  it.each([
    [
      'ckpt-epoch{epoch:02d}-{val_loss:.4f}.safetensors',
      { epoch: 7, val_loss: 0.35119 },
      'ckpt-epoch07-0.3512.safetensors',
    ],
    ['{epoch}', { epoch: 12 }, '12'],
    ['{epoch:3d}', { epoch: 7 }, '  7'],
    ['{epoch:03}', { epoch: 7 }, '007'],
    ['{x:.2e}', { x: 0.0015 }, '1.50e-03'],
    ['{x:e}', { x: 123456 }, '1.234560e+05'],
    ['{x:g}', { x: 0.00015 }, '0.00015'],
    ['{x:g}', { x: 1234567 }, '1.23457e+06'],
    ['{x:g}', { x: 100 }, '100'],
    ['{x:g}', { x: 1e-5 }, '1e-05'],
    ['{x:.3g}', { x: 0.31234 }, '0.312'],
    ['{acc:.1%}', { acc: 0.9123 }, '91.2%'],
    ['{x:05.1f}', { x: -1.5 }, '-01.5'],
    ['{x:.2f}', { x: Number.NaN }, 'nan'],
    ['{x:.2f}', { x: -Infinity }, '-inf'],
    ['{x}', { x: 0.25 }, '0.25'],
    ['{{literal}}-{epoch}', { epoch: 1 }, '{literal}-1'],
    ['runs/{val/acc:.2f}', { 'val/acc': 0.5 }, 'runs/0.50'],
  ])('%s with %o → %s', (template, values, expected) => {
    expect(formatCheckpointName(template, values)).toBe(expected);
  });

  it('names the missing field and the fields there are', () => {
    expect(() => formatCheckpointName('{epoch}-{val_loss:.4f}', { epoch: 1, loss: 0.5 })).toThrow(
      /uses \{val_loss\}, which is not among the values this epoch \(epoch, loss\)/,
    );
  });

  it('rejects malformed templates and unsupported specs', () => {
    expect(() => formatCheckpointName('{epoch', { epoch: 1 })).toThrow(/unmatched "\{"/);
    expect(() => formatCheckpointName('epoch}', { epoch: 1 })).toThrow(/unmatched "\}"/);
    expect(() => formatCheckpointName('{}', {})).toThrow(/empty or malformed field/);
    expect(() => formatCheckpointName('{x:>8s}', { x: 1 })).toThrow(/unsupported format spec ">8s"/);
    expect(() => formatCheckpointName('{x:d}', { x: 1.5 })).toThrow(/\{x:d\} needs an integer, got 1.5/);
    expect(() => formatCheckpointName('{toString}', {})).toThrow(/uses \{toString\}/);
  });

  it('lists the fields of a template', () => {
    expect(templateFields('a{epoch:02d}-{val_loss}{{x}}')).toEqual(['epoch', 'val_loss']);
  });
});
