import type { GEO_TYPES } from '../../kernel/model/xano-column.js';

/**
 * GeoJSON geometries (RFC 7946) for the six Xano geo types. Positions are [longitude,
 * latitude] (an optional altitude is allowed); rings of a polygon are closed and have at
 * least four positions. Returns a problem description, or undefined when the value is valid.
 */
const GEOMETRY: Record<(typeof GEO_TYPES)[number], { type: string; depth: number }> = {
  geo_point: { type: 'Point', depth: 0 },
  geo_multipoint: { type: 'MultiPoint', depth: 1 },
  geo_linestring: { type: 'LineString', depth: 1 },
  geo_multilinestring: { type: 'MultiLineString', depth: 2 },
  geo_polygon: { type: 'Polygon', depth: 2 },
  geo_multipolygon: { type: 'MultiPolygon', depth: 3 },
};

export function geoJsonProblem(kind: (typeof GEO_TYPES)[number], value: unknown): string | undefined {
  const { type, depth } = GEOMETRY[kind];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `a GeoJSON ${type} object`;
  const geometry = value as { type?: unknown; coordinates?: unknown };
  if (geometry.type !== type) return `a GeoJSON object with type "${type}"`;
  return coordinatesProblem(geometry.coordinates, depth, type);
}

function coordinatesProblem(coordinates: unknown, depth: number, type: string): string | undefined {
  if (depth === 0) return isPosition(coordinates) ? undefined : 'a position [longitude, latitude] with longitude in -180..180 and latitude in -90..90';
  if (!Array.isArray(coordinates)) return `${type} coordinates as an array`;
  for (const part of coordinates) {
    const problem = coordinatesProblem(part, depth - 1, type);
    if (problem) return problem;
  }
  if (type === 'LineString' && depth === 1 && coordinates.length < 2) return 'a LineString of at least two positions';
  if (type === 'MultiLineString' && depth === 1 && coordinates.length < 2) return 'lines of at least two positions';
  if ((type === 'Polygon' && depth === 1) || (type === 'MultiPolygon' && depth === 1)) {
    const first = coordinates[0] as number[] | undefined;
    const last = coordinates[coordinates.length - 1] as number[] | undefined;
    if (coordinates.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1]) {
      return 'polygon rings of at least four positions, the last equal to the first';
    }
  }
  if ((type === 'Polygon' && depth === 2) || (type === 'MultiPolygon' && depth === 2)) {
    if (coordinates.length === 0) return 'a polygon with at least one ring';
  }
  return undefined;
}

function isPosition(value: unknown): boolean {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return false;
  if (!value.every((n) => typeof n === 'number' && Number.isFinite(n))) return false;
  const [lng, lat] = value as number[];
  return lng! >= -180 && lng! <= 180 && lat! >= -90 && lat! <= 90;
}
