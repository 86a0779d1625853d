/** Scan settings (#/settings): DescribeAssetImageScanSetting shown and saved with CreateAssetImageScanSetting. */
import type { Page, Strings } from '../contract.js';
import {
  append,
  clear,
  defList,
  el,
  errorBox,
  errorMessage,
  section,
  timeEl,
  uid,
  S as W,
} from '../widgets.js';

const S: Strings = {
  title: { en: 'Scan settings', zh: '扫描设置' },
  periodic: { en: 'Periodic image scan', zh: '定期镜像扫描' },
  enable: { en: 'Scan images periodically', zh: '开启定期扫描' },
  time: { en: 'Start time (HH:MM, UTC)', zh: '开始时间(HH:MM，UTC)' },
  endTime: { en: 'End by (HH:MM, UTC; empty: no end)', zh: '结束时间(HH:MM，UTC；留空表示不限)' },
  period: { en: 'Every (days)', zh: '扫描周期(天)' },
  categories: { en: 'What to scan', zh: '扫描内容' },
  vul: { en: 'Vulnerabilities', zh: '漏洞' },
  risk: { en: 'Risks and sensitive information', zh: '风险与敏感信息' },
  virus: { en: 'Trojans', zh: '木马' },
  scope: { en: 'Images', zh: '扫描范围' },
  scopeAll: { en: 'Every image', zh: '全部镜像' },
  scopeSome: { en: 'Only the listed images', zh: '仅以下镜像' },
  images: { en: 'Image IDs to scan (one per line)', zh: '要扫描的镜像 ID(每行一个)' },
  exclude: { en: 'Image IDs to skip (one per line)', zh: '排除的镜像 ID(每行一个)' },
  running: { en: 'Only images with running containers', zh: '仅扫描有运行中容器的镜像' },
  save: { en: 'Save settings', zh: '保存设置' },
  saving: { en: 'Saving…', zh: '正在保存…' },
  saved: { en: 'Settings saved.', zh: '设置已保存。' },
  failed: { en: 'Not saved: {msg}', zh: '保存失败：{msg}' },
  badTime: { en: 'Enter a time as HH:MM (00:00–23:59).', zh: '请按 HH:MM 格式填写时间(00:00–23:59)。' },
  badPeriod: { en: 'Enter a whole number of days from 1 to 365.', zh: '请填写 1–365 之间的整数天数。' },
  lastRun: { en: 'Last run', zh: '上次执行' },
  lastResult: { en: 'Last result', zh: '上次结果' },
  never: { en: 'Not run yet', zh: '尚未执行' },
  r_Success: { en: 'Success', zh: '成功' },
  r_ImageNeedIsEmpty: { en: 'No image to scan', zh: '没有需要扫描的镜像' },
  r_InternalError: { en: 'Internal error', zh: '内部错误' },
  current: { en: 'Current schedule', zh: '当前计划' },
  schedule: {
    en: 'Every {n} day(s) at {time} UTC',
    zh: '每 {n} 天 UTC {time}',
  },
  off: { en: 'Disabled', zh: '未开启' },
};

interface Setting {
  Enable?: boolean;
  ScanTime?: string;
  ScanPeriod?: number;
  ScanVirus?: boolean;
  ScanRisk?: boolean;
  ScanVul?: boolean;
  All?: boolean;
  Images?: string[];
  ContainerRunning?: boolean;
  ScanScope?: number;
  ScanEndTime?: string;
  ExcludeImages?: string[];
  LastScanTime?: string;
  ScanResult?: string;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

function labelled(label: string, input: HTMLElement, hint?: HTMLElement): HTMLElement {
  const id = uid('f');
  input.id = id;
  return el('div', { class: 'field' }, el('label', { for: id }, label), input, hint);
}

function checkbox(label: string, checked: boolean): { box: HTMLElement; input: HTMLInputElement } {
  const id = uid('c');
  const input = el('input', { type: 'checkbox', id, checked });
  return { box: el('div', { class: 'field check' }, input, el('label', { for: id }, label)), input };
}

const lines = (t: string) =>
  t
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export const settingsPage: Page = {
  async render(root, ctx) {
    const tt = (k: string, v?: Record<string, string | number>) => ctx.t(S, k, v);
    append(root, el('h1', {}, tt('title')));
    const box = el('div', {}, el('p', { role: 'status' }, ctx.t(W, 'loading')));
    root.appendChild(box);
    let s: Setting;
    try {
      s = await ctx.api.call<Setting>('DescribeAssetImageScanSetting', {});
    } catch (e) {
      clear(box);
      box.appendChild(errorBox(ctx, e));
      return;
    }
    clear(box);

    const status = el('div');
    const paintStatus = (x: Setting) => {
      clear(status);
      status.appendChild(
        defList([
          [
            tt('current'),
            x.Enable ? tt('schedule', { n: x.ScanPeriod ?? 1, time: x.ScanTime ?? '00:00' }) : tt('off'),
          ],
          [tt('lastRun'), x.LastScanTime ? timeEl(ctx, x.LastScanTime) : tt('never')],
          [
            tt('lastResult'),
            x.ScanResult ? (S[`r_${x.ScanResult}`] ? tt(`r_${x.ScanResult}`) : x.ScanResult) : '—',
          ],
        ]),
      );
    };
    paintStatus(s);

    const enable = checkbox(tt('enable'), s.Enable === true);
    const timeHint = el('span', { class: 'field-error error', role: 'alert' });
    const time = el('input', {
      type: 'text',
      inputmode: 'numeric',
      pattern: '([01][0-9]|2[0-3]):[0-5][0-9]',
      value: s.ScanTime ?? '00:00',
      maxlength: 5,
      required: true,
    });
    const endHint = el('span', { class: 'field-error error', role: 'alert' });
    const end = el('input', { type: 'text', inputmode: 'numeric', value: s.ScanEndTime ?? '', maxlength: 5 });
    const periodHint = el('span', { class: 'field-error error', role: 'alert' });
    const period = el('input', {
      type: 'number',
      min: 1,
      max: 365,
      step: 1,
      value: s.ScanPeriod ?? 1,
      required: true,
    });
    const vul = checkbox(tt('vul'), s.ScanVul === true);
    const risk = checkbox(tt('risk'), s.ScanRisk === true);
    const virus = checkbox(tt('virus'), s.ScanVirus === true);
    const cats = el(
      'fieldset',
      { class: 'field' },
      el('legend', {}, tt('categories')),
      vul.box,
      risk.box,
      virus.box,
    );

    const scopeName = uid('scope');
    const some = (s.ScanScope ?? (s.All === false && (s.Images ?? []).length ? 1 : 0)) === 1;
    const allId = uid('r');
    const someId = uid('r');
    const rAll = el('input', { type: 'radio', name: scopeName, id: allId, value: '0', checked: !some });
    const rSome = el('input', { type: 'radio', name: scopeName, id: someId, value: '1', checked: some });
    const images = el('textarea', { rows: 3, class: 'mono', spellcheck: 'false' });
    images.value = (s.Images ?? []).join('\n');
    const exclude = el('textarea', { rows: 3, class: 'mono', spellcheck: 'false' });
    exclude.value = (s.ExcludeImages ?? []).join('\n');
    const imagesField = labelled(tt('images'), images);
    const syncScope = () => {
      imagesField.hidden = !rSome.checked;
    };
    rAll.addEventListener('change', syncScope);
    rSome.addEventListener('change', syncScope);
    syncScope();
    const scope = el(
      'fieldset',
      { class: 'field' },
      el('legend', {}, tt('scope')),
      el('div', { class: 'check' }, rAll, el('label', { for: allId }, tt('scopeAll'))),
      el('div', { class: 'check' }, rSome, el('label', { for: someId }, tt('scopeSome'))),
      imagesField,
      labelled(tt('exclude'), exclude),
    );
    const running = checkbox(tt('running'), s.ContainerRunning === true);

    const submit = el('button', { type: 'submit', class: 'primary' }, tt('save'));
    const out = el('p', { class: 'form-result', role: 'status', 'aria-live': 'polite' });
    const form = el(
      'form',
      { class: 'form-grid', novalidate: true },
      enable.box,
      labelled(tt('time'), time, timeHint),
      labelled(tt('period'), period, periodHint),
      labelled(tt('endTime'), end, endHint),
      cats,
      scope,
      running.box,
      el('div', { class: 'field' }, submit),
      out,
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      timeHint.textContent = '';
      endHint.textContent = '';
      periodHint.textContent = '';
      time.removeAttribute('aria-invalid');
      end.removeAttribute('aria-invalid');
      period.removeAttribute('aria-invalid');
      let bad: HTMLElement | undefined;
      if (!HHMM.test(time.value.trim())) {
        timeHint.textContent = tt('badTime');
        time.setAttribute('aria-invalid', 'true');
        bad ??= time;
      }
      if (end.value.trim() && !HHMM.test(end.value.trim())) {
        endHint.textContent = tt('badTime');
        end.setAttribute('aria-invalid', 'true');
        bad ??= end;
      }
      const days = Number(period.value);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        periodHint.textContent = tt('badPeriod');
        period.setAttribute('aria-invalid', 'true');
        bad ??= period;
      }
      if (bad) {
        bad.focus();
        return;
      }
      // everything else (an enabled scan with no category, an empty image list…) is the API's to refuse
      submit.disabled = true;
      out.className = 'form-result';
      out.setAttribute('role', 'status');
      out.textContent = tt('saving');
      const listed = lines(images.value);
      try {
        await ctx.api.call('CreateAssetImageScanSetting', {
          Enable: enable.input.checked,
          ScanTime: time.value.trim(),
          ScanPeriod: days,
          ScanVul: vul.input.checked,
          ScanRisk: risk.input.checked,
          ScanVirus: virus.input.checked,
          ScanScope: rSome.checked ? 1 : 0,
          ...(rSome.checked ? { Images: listed } : {}),
          ExcludeImages: lines(exclude.value),
          ContainerRunning: running.input.checked,
          ScanEndTime: end.value.trim(),
        });
        out.textContent = tt('saved');
        try {
          paintStatus(await ctx.api.call<Setting>('DescribeAssetImageScanSetting', {}));
        } catch {
          // the save itself worked; the summary stays as it was
        }
      } catch (e) {
        out.className = 'form-result error';
        out.setAttribute('role', 'alert');
        out.textContent = tt('failed', { msg: errorMessage(e) });
      } finally {
        submit.disabled = false;
      }
    });
    append(box, section(tt('periodic'), status, form));
  },
};
