//! The demo catalogue and floor: SKUs made from the product word lists, a
//! Zipf-like demand ranking over them, bins zoned by walking distance, and
//! stock put away by demand class (fast movers near the pack station).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::pick;
use super::products::{KINDS, Tracking};
use crate::domain::{Bin, BinCode, Gtin, NewSku, Zone};

/// How many SKUs the demo catalogue holds.
pub const SKU_COUNT: usize = 2_000;

/// GS1 company prefixes of the demo brands (seven digits each).
const GTIN_PREFIXES: [&str; 6] = ["4012345", "4250673", "4061938", "4260519", "4037702", "4019828"];

/// Shifts the Zipf curve so the best seller is a few percent of all lines,
/// not an eighth of them (Zipf-Mandelbrot with exponent 1).
const ZIPF_OFFSET: u64 = 8;

/// The generated catalogue with its demand model.
pub struct Catalog {
    pub skus: Vec<NewSku>,
    /// Retail price of each SKU in euro cents.
    pub prices: Vec<i64>,
    /// Each SKU's position in the demand ranking (0 sells best).
    pub rank_of: Vec<usize>,
    /// SKU indexes from best-selling to slowest.
    by_rank: Vec<usize>,
    /// Cumulative Zipf weights over ranks.
    demand: Vec<u64>,
}

impl Catalog {
    /// Builds the catalogue; the same `rng` state gives the same catalogue.
    pub fn build(rng: &mut ChaCha8Rng) -> Self {
        let counts = kind_counts();
        let mut skus = Vec::with_capacity(SKU_COUNT);
        let mut prices = Vec::with_capacity(SKU_COUNT);
        let mut next_item = [0u32; GTIN_PREFIXES.len()];
        for (kind_no, (kind, &count)) in KINDS.iter().zip(&counts).enumerate() {
            let variants = kind.variants.len().max(1);
            let combos = kind.materials.len() * kind.sizes.len() * variants;
            let mut chosen = rand::seq::index::sample(rng, combos, count).into_vec();
            chosen.sort_unstable();
            for combo in chosen {
                let material = &kind.materials[combo / (kind.sizes.len() * variants)];
                let size = &kind.sizes[combo / variants % kind.sizes.len()];
                let variant = kind.variants.get(combo % variants);

                let mut title: String = [material.name, kind.noun, size.label]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let mut code = [kind.code, material.code, size.code]
                    .into_iter()
                    .filter(|part| !part.is_empty())
                    .collect::<Vec<_>>()
                    .join("-");
                if let Some((name, short)) = variant {
                    title.push_str(", ");
                    title.push_str(name);
                    code.push('-');
                    code.push_str(short);
                }

                let prefix_no = kind_no % GTIN_PREFIXES.len();
                next_item[prefix_no] += 1;
                // 7919 is coprime with 100,000, so item references never repeat.
                let item = (next_item[prefix_no] * 7919 + 1234) % 100_000;
                let gtin = Gtin::from_body13(&format!("{}{item:05}", GTIN_PREFIXES[prefix_no]))
                    .expect("seven prefix digits and five item digits make a 12-digit body");

                let jitter = |rng: &mut ChaCha8Rng, value: u32| (value * rng.random_range(95..=105) / 100).max(1);
                let [l, w, h] = size.mm;
                let (length_mm, width_mm, height_mm) = (jitter(rng, l), jitter(rng, w), jitter(rng, h));
                let weight_g = jitter(rng, size.grams * material.weight_pct / 100);

                let base = rng.random_range(kind.price_cents.0..=kind.price_cents.1) * i64::from(size.price_pct) / 100;
                let price = (base / 100 * 100 + pick(rng, &[49, 90, 95, 99])).max(99);
                let customs = rng.random_ratio(9, 10);
                let lot = kind.tracking == Tracking::LotExpiry;
                skus.push(NewSku {
                    code,
                    title,
                    gtins: vec![gtin],
                    length_mm,
                    width_mm,
                    height_mm,
                    weight_g,
                    lot_tracked: lot,
                    expiry_tracked: lot,
                    serial_tracked: kind.tracking == Tracking::Serial,
                    hs_code: customs.then(|| kind.hs_code.to_owned()),
                    origin_country: customs.then(|| (*pick(rng, kind.origins)).to_owned()),
                    customs_value_minor: customs.then(|| price * rng.random_range(35..=60) / 100),
                });
                prices.push(price);
            }
        }

        let mut by_rank: Vec<usize> = (0..skus.len()).collect();
        by_rank.shuffle(rng);
        let mut rank_of = vec![0; skus.len()];
        for (rank, &sku) in by_rank.iter().enumerate() {
            rank_of[sku] = rank;
        }
        let mut total = 0u64;
        let demand = (0..skus.len() as u64)
            .map(|rank| {
                total += (1u64 << 40) / (rank + ZIPF_OFFSET);
                total
            })
            .collect();
        Self { skus, prices, rank_of, by_rank, demand }
    }

    /// A SKU index drawn by demand: best sellers often, the long tail rarely.
    pub fn draw(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.demand.last().copied().unwrap_or(1);
        let x = rng.random_range(0..total);
        let rank = self.demand.partition_point(|&c| c <= x);
        self.by_rank[rank.min(self.by_rank.len() - 1)]
    }

    /// The ABC class of a SKU by its demand rank.
    pub fn class(&self, sku: usize) -> Zone {
        Zone::by_rank(self.rank_of[sku], self.skus.len())
    }

    /// Whether the SKU carries everything a customs declaration needs.
    pub fn has_customs(&self, sku: usize) -> bool {
        let s = &self.skus[sku];
        s.hs_code.is_some() && s.origin_country.is_some() && s.customs_value_minor.is_some()
    }
}

/// SKUs per kind: proportional to the kinds' shares, capped by how many
/// distinct SKUs a kind can make, topped up round-robin to exactly SKU_COUNT.
fn kind_counts() -> Vec<usize> {
    let capacity: Vec<usize> =
        KINDS.iter().map(|k| k.materials.len() * k.sizes.len() * k.variants.len().max(1)).collect();
    let shares: usize = KINDS.iter().map(|k| k.share as usize).sum();
    let mut counts: Vec<usize> =
        KINDS.iter().zip(&capacity).map(|(k, &cap)| (SKU_COUNT * k.share as usize / shares).min(cap)).collect();
    let mut total: usize = counts.iter().sum();
    while total < SKU_COUNT {
        let before = total;
        for (count, &cap) in counts.iter_mut().zip(&capacity) {
            if total < SKU_COUNT && *count < cap {
                *count += 1;
                total += 1;
            }
        }
        if before == total {
            break; // the word lists cannot make more distinct SKUs
        }
    }
    counts
}

use crate::store::StockReceipt;

/// Stock for every SKU in one to three bins: the first bin usually in the
/// zone matching the SKU's class (some deliberately not, so slotting has
/// something to suggest), extra bins anywhere. Lot-tracked SKUs get a lot
/// code dated before `now` and an expiry 9 to 14 months after it.
pub fn put_away(catalog: &Catalog, bins: &[Bin], rng: &mut ChaCha8Rng, now: DateTime<Utc>) -> Vec<StockReceipt> {
    let zone_bins = |zone: Zone| bins.iter().filter(|b| b.zone == zone).map(|b| b.code).collect::<Vec<_>>();
    let by_zone = [zone_bins(Zone::A), zone_bins(Zone::B), zone_bins(Zone::C)];
    let zone_index = |zone: Zone| match zone {
        Zone::A => 0,
        Zone::B => 1,
        Zone::C => 2,
    };
    let mut items = Vec::with_capacity(catalog.skus.len() * 2);
    let mut chosen: Vec<BinCode> = Vec::with_capacity(3);
    for (index, sku) in catalog.skus.iter().enumerate() {
        let class = catalog.class(index);
        let places = match class {
            Zone::A => *pick(rng, &[1, 2, 2, 2, 2, 3, 3, 3]),
            Zone::B => *pick(rng, &[1, 1, 1, 1, 1, 2, 2, 2, 2, 3]),
            Zone::C => *pick(rng, &[1, 1, 1, 1, 2]),
        };
        let home = if rng.random_ratio(85, 100) { zone_index(class) } else { rng.random_range(0..3) };
        chosen.clear();
        chosen.push(*pick(rng, &by_zone[home]));
        while chosen.len() < places {
            let extra = bins[rng.random_range(0..bins.len())].code;
            if !chosen.contains(&extra) {
                chosen.push(extra);
            }
        }
        let litres = u64::from(sku.length_mm) * u64::from(sku.width_mm) * u64::from(sku.height_mm) / 1_000_000;
        for &bin in &chosen {
            let units: u32 = match class {
                Zone::A => rng.random_range(30..=240),
                Zone::B => rng.random_range(10..=90),
                Zone::C => rng.random_range(2..=30),
            };
            let units = match litres {
                0..=2 => units,
                3..=7 => (units / 2).max(1),
                _ => (units / 5).max(1),
            };
            let lot = sku.lot_tracked.then(|| {
                let made = now.date_naive() - Duration::days(rng.random_range(14..=240));
                let code = format!("L{}-{:02}", made.format("%y%m%d"), rng.random_range(1..=20));
                // Shelf life from the SKU's place in the catalogue: no extra
                // random draws, so the rest of the demo stays as it was.
                (code, made + Duration::days(270 + 30 * (index % 6) as i64))
            });
            let (lot, expires_on) = lot.map_or((None, None), |(code, day)| (Some(code), Some(day)));
            items.push(StockReceipt { bin, sku: sku.code.clone(), lot, expires_on, qty: units });
        }
    }
    items
}
