/**
 * The Price List API's answers, read. GetProducts returns each product as a JSON document in a
 * string: the product (SKU, attributes) and its terms; On-Demand terms hold price dimensions
 * with a unit, a range and a price per unit by currency. Tiered prices have one dimension per
 * tier; the first tier (beginRange 0) is the list price an estimate uses.
 */
export interface ListedPrice {
  sku: string;
  usd: number;
  unit: string;
  description: string;
  usagetype: string;
}

interface PriceListDocument {
  product?: { sku?: string; attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      { priceDimensions?: Record<string, { unit?: string; beginRange?: string; description?: string; pricePerUnit?: Record<string, string> }> }
    >;
  };
}

export class PriceListError extends Error {}

/** The On-Demand first-tier USD prices in one PriceList entry. */
export function onDemandPrices(entry: string): ListedPrice[] {
  let document: PriceListDocument;
  try {
    document = JSON.parse(entry) as PriceListDocument;
  } catch {
    throw new PriceListError(`a PriceList entry is not JSON: ${entry.slice(0, 80)}`);
  }
  const sku = document.product?.sku;
  if (!sku) throw new PriceListError('a PriceList entry has no product SKU');
  return Object.values(document.terms?.OnDemand ?? {}).flatMap((term) =>
    Object.values(term.priceDimensions ?? {})
      .flatMap((d) => ((d.beginRange ?? '0') === '0' && d.pricePerUnit?.['USD'] !== undefined ? [{ ...d, usd: Number(d.pricePerUnit['USD']) }] : []))
      .map((d) => ({
        sku,
        usd: d.usd,
        unit: d.unit ?? '',
        description: d.description ?? '',
        usagetype: document.product?.attributes?.['usagetype'] ?? '',
      })),
  );
}

/** The one price a query must find; none or several is an error naming the key. */
export function onePrice(key: string, entries: string[]): ListedPrice {
  const found = entries.flatMap(onDemandPrices);
  const [only] = found;
  if (!only || found.length !== 1) {
    const seen = found.map((p) => `${p.sku} ${p.usagetype} $${p.usd}/${p.unit}`).join('; ');
    throw new PriceListError(`${key}: the query matched ${found.length} On-Demand prices, not one${seen ? ` (${seen})` : ''}; narrow its filters`);
  }
  return only;
}
