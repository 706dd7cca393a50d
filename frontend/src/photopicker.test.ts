import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('./toast', () => ({ toast: vi.fn() }));

import { setLang } from './i18n';
import { sendChosen, type ChosenPhoto, type PhotoPicker } from './photopicker';
import { toast } from './toast';

function pickerWith(names: string[]): PhotoPicker & { cleared: number } {
  const picker = {
    node: {} as HTMLElement,
    cleared: 0,
    chosen: (): ChosenPhoto[] => names.map((name) => ({ name, blob: new Blob(['x'], { type: 'image/png' }) })),
    clear() {
      picker.cleared += 1;
    },
    setEnabled() {},
  };
  return picker;
}

describe('sending the chosen photos', () => {
  beforeEach(() => {
    vi.mocked(toast).mockClear();
    setLang('zh');
  });

  it('counts the photos that reached the server, names each refused one, and clears the picker', async () => {
    const picker = pickerWith(['卸货.jpg', '运单.jpg', '坏的.jpg']);
    const answers: Record<string, () => Promise<boolean>> = {
      '卸货.jpg': async () => true,
      '运单.jpg': async () => false, // queued without a network: not counted as uploaded
      '坏的.jpg': async () => {
        throw new Error('不是图片');
      },
    };
    await sendChosen(picker, (photo) => answers[photo.name]());
    const said = vi.mocked(toast).mock.calls.map(([text, kind]) => [text, kind ?? 'success']);
    expect(said).toEqual([
      ['照片 坏的.jpg 上传失败：不是图片', 'error'],
      ['已上传照片 1 张', 'success'],
    ]);
    expect(picker.cleared).toBe(1);
  });

  it('says nothing when every photo was queued, and stops without clearing when the screen is left', async () => {
    const queued = pickerWith(['a.jpg', 'b.jpg']);
    await sendChosen(queued, async () => false);
    expect(toast).not.toHaveBeenCalled();
    expect(queued.cleared).toBe(1);

    const left = pickerWith(['a.jpg', 'b.jpg']);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const send = vi.fn(async () => {
      throw abort;
    });
    await sendChosen(left, send);
    expect(send).toHaveBeenCalledTimes(1);
    expect(left.cleared).toBe(0);
    expect(toast).not.toHaveBeenCalled();
  });
});
