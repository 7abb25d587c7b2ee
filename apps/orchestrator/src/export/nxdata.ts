import type { DataFrame, DType } from '@lab/drivers';
import type { Group } from 'h5wasm';

/** HDF5 type of each wire dtype, little-endian as on the wire: the values are stored bit for bit. */
const HDF5_DTYPE: Record<DType, string> = { float32: '<f', float64: '<d', uint16: '<H', uint8: '<B' };

/** Units from the suffix our row names carry (`energyLossEv`, `biasV`, `piezoresponsePm`, `currentPa`). */
const UNIT_SUFFIXES: [RegExp, string][] = [
  [/Ev$/, 'eV'],
  [/Nm$/, 'nm'],
  [/Pm$/, 'pm'],
  [/Pa$/, 'pA'],
  [/Na$/, 'nA'],
  [/Deg$/, 'degree'],
  [/Mv$/, 'mV'],
  [/V$/, 'V'],
  [/^counts$/, 'counts'],
];

export function unitsOfRow(name: string): string | undefined {
  return UNIT_SUFFIXES.find(([pattern]) => pattern.test(name))?.[1];
}

/** Pixel-centre coordinates in nm along one image axis (the convention of campaigns/candidates.ts). */
export function pixelCentresNm(count: number, originNm: number, pixelSizeNm: number): Float64Array {
  const centres = new Float64Array(count);
  for (let i = 0; i < count; i++) centres[i] = originNm + (i + 0.5) * pixelSizeNm;
  return centres;
}

/**
 * One data frame as an NXdata group. An image is `data[y][x]` with `x` and `y` axes in nm; a
 * spectrum has one dataset per recorded row, the first row being the axis (`energyLossEv`,
 * `biasV`) and the second the signal, as the instruments send them (docs/protocol.md).
 */
export function writeNxData(parent: Group, name: string, frame: DataFrame, attributes: Record<string, string | number>): Group {
  const group = parent.create_group(name);
  group.create_attribute('NX_class', 'NXdata');
  const { header, values } = frame;
  const [rows, cols] = header.shape;
  const dtype = HDF5_DTYPE[header.dtype];
  if (header.kind === 'image') {
    const data = group.create_dataset({ name: 'data', data: values, shape: [rows, cols], dtype });
    if (header.units) data.create_attribute('units', header.units);
    data.create_attribute('long_name', header.channel ?? 'image');
    const pixelSizeNm = header.pixelSizeNm ?? 1;
    const origin = header.originNm ?? { xNm: 0, yNm: 0 };
    group.create_dataset({ name: 'x', data: pixelCentresNm(cols, origin.xNm, pixelSizeNm) }).create_attribute('units', 'nm');
    group.create_dataset({ name: 'y', data: pixelCentresNm(rows, origin.yNm, pixelSizeNm) }).create_attribute('units', 'nm');
    group.create_attribute('signal', 'data');
    group.create_attribute('axes', ['y', 'x']);
    group.create_attribute('y_indices', 0, null, '<i4');
    group.create_attribute('x_indices', 1, null, '<i4');
    group.create_attribute('pixel_size_nm', pixelSizeNm);
    group.create_attribute('origin_x_nm', origin.xNm);
    group.create_attribute('origin_y_nm', origin.yNm);
  } else {
    const names = header.rows && header.rows.length === rows ? header.rows : undefined;
    if (!names) {
      // No row names: keep the values as one 2-D signal rather than guess what they are.
      group.create_dataset({ name: 'data', data: values, shape: [rows, cols], dtype });
      group.create_attribute('signal', 'data');
    } else {
      names.forEach((rowName, r) => {
        const dataset = group.create_dataset({ name: rowName, data: values.slice(r * cols, (r + 1) * cols), dtype });
        const units = r === 1 && header.units ? header.units : unitsOfRow(rowName);
        if (units) dataset.create_attribute('units', units);
      });
      group.create_attribute('axes', names.length > 1 ? names[0] : '.');
      group.create_attribute('signal', names.length > 1 ? names[1] : names[0]);
      if (names.length > 2) group.create_attribute('auxiliary_signals', names.slice(2));
      group.create_attribute('rows', names);
    }
  }
  group.create_attribute('kind', header.kind);
  group.create_attribute('dtype', header.dtype);
  group.create_attribute('data_id', header.dataId);
  group.create_attribute('cmd_id', header.cmdId);
  if (header.channel) group.create_attribute('channel', header.channel);
  for (const [key, value] of Object.entries(attributes)) group.create_attribute(key, value);
  return group;
}
