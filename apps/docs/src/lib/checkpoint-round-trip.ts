/**
 * The page side of chapter 4's checkpoint round trip. When the training example (in its worker) finishes, it
 * sends the checkpoint's bytes, its test images and the trained model's logits for them (`training-outputs`).
 * This offers the checkpoint as a download, and loads a checkpoint (the one just made, or a file the reader
 * picks) into a fresh model on the page to compare its predictions with the worker's.
 *
 * The example module (and with it the library) is imported only when a checkpoint is loaded, so the page
 * ships none of it up front.
 */
type Outputs = Record<string, Uint8Array | Float32Array>;

export class CheckpointRoundTrip {
  private checkpoint: Uint8Array | undefined;
  private testImages: Float32Array | undefined;
  private testLogits: Float32Array | undefined;
  private downloadUrl: string | undefined;

  private readonly download: HTMLAnchorElement;
  private readonly loadLatest: HTMLButtonElement;
  private readonly fileInput: HTMLInputElement;
  private readonly result: HTMLElement;

  constructor(
    private readonly root: HTMLElement,
    example: HTMLElement,
  ) {
    const q = <T extends Element>(sel: string) => root.querySelector(sel) as T;
    this.download = q('[data-download]');
    this.loadLatest = q('[data-action="load-latest"]');
    this.fileInput = q('[data-file]');
    this.result = q('[data-result]');

    example.addEventListener('training-outputs', (e) => this.receive((e as CustomEvent<Outputs>).detail));
    example.addEventListener('training-reset', () => this.clear());
    this.loadLatest.addEventListener('click', () => {
      if (this.checkpoint) void this.compare(this.checkpoint, 'the checkpoint just made');
    });
    this.fileInput.addEventListener('change', async () => {
      const file = this.fileInput.files?.[0];
      if (file) await this.compare(new Uint8Array(await file.arrayBuffer()), file.name);
    });
    this.sync();
  }

  private receive(outputs: Outputs) {
    if (!(outputs.checkpoint instanceof Uint8Array)) return;
    this.clear();
    this.checkpoint = outputs.checkpoint;
    this.testImages = outputs.testImages as Float32Array;
    this.testLogits = outputs.testLogits as Float32Array;
    this.downloadUrl = URL.createObjectURL(
      new Blob([new Uint8Array(this.checkpoint)], { type: 'application/octet-stream' }),
    );
    this.download.href = this.downloadUrl;
    this.result.textContent = `A checkpoint of ${(this.checkpoint.length / 1024).toFixed(1)} KB is ready: download it, or load it into a fresh model.`;
    this.sync();
  }

  private clear() {
    if (this.downloadUrl) URL.revokeObjectURL(this.downloadUrl);
    this.downloadUrl = undefined;
    this.download.removeAttribute('href');
    this.checkpoint = this.testImages = this.testLogits = undefined;
    this.result.textContent = 'Train the model to the end first: then its checkpoint appears here.';
    this.sync();
  }

  private async compare(bytes: Uint8Array, name: string) {
    if (!this.testImages || !this.testLogits) return;
    this.root.dataset.state = 'loading';
    try {
      const [{ compareCheckpoint }, { Tensor }] = await Promise.all([
        import('../examples/fashion-mnist-early-stopping/index'),
        import('@tensorloom/tensor-core'),
      ]);
      const n = this.testLogits.length / 10;
      const x = new Tensor(this.testImages, [n, 1, 28, 28], 'float32');
      const r = compareCheckpoint(bytes, x, this.testLogits);
      const identical = r.same === r.total && r.maxDiff === 0;
      this.result.textContent = `Loaded ${name} (saved after epoch ${r.epoch}) into a fresh model: ${identical ? 'identical' : 'different'}: ${r.same}/${r.total} predictions, max |Δlogit| = ${r.maxDiff}`;
    } catch (error) {
      this.result.textContent = `Could not load ${name}: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.sync();
  }

  private sync() {
    const have = this.checkpoint !== undefined;
    this.root.dataset.state = have ? 'ready' : 'waiting';
    this.download.setAttribute('aria-disabled', String(!have));
    this.loadLatest.disabled = !have;
    this.fileInput.disabled = !have;
  }
}
