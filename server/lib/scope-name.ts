// A funder's scope named by its regions, on screens and in files alike, so a forwarded file or a printed
// page still says what it covers (never « Votre périmètre » alone).

/** « Nouvelle-Aquitaine + Occitanie »: the regions in French alphabetical order. */
export function scopeNameOf(regions: { name: string }[]): string {
  return regions
    .map((r) => r.name)
    .sort((a, b) => a.localeCompare(b, 'fr'))
    .join(' + ');
}
