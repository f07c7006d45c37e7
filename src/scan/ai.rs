//! The GS1 Application Identifier table: for each AI, what its data looks
//! like (length, character set, date, implied decimals, check digit).
//! Data from the GS1 General Specifications; the parser in `barcode.rs`
//! reads element strings with it.

/// What an AI's data is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// Digits only.
    Numeric,
    /// GS1 AI encodable character set 82 (printable ASCII subset).
    Alphanumeric,
    /// YYMMDD (day 00 means the last day of the month).
    Date,
    /// Digits with implied decimals given by the AI's last digit (310x, 392x...).
    Decimal,
}

/// One Application Identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AiSpec {
    /// The AI's digits, e.g. "01", "3103", "7003".
    pub ai: &'static str,
    /// The GS1 data title, e.g. "GTIN", "BEST BEFORE or BEST BY", "NET WEIGHT (kg)".
    pub title: &'static str,
    /// Shortest and longest data length (equal for fixed-length AIs).
    pub min_len: u8,
    pub max_len: u8,
    pub content: Content,
    /// The data ends in a GS1 mod-10 check digit (SSCC, GTIN, GLN...).
    pub check_digit: bool,
}

impl AiSpec {
    /// For `Content::Decimal`: how many implied decimals the data has (the
    /// AI's last digit, e.g. 3 for 3103); `None` for other content.
    #[must_use]
    pub fn implied_decimals(&self) -> Option<u32> {
        if self.content != Content::Decimal {
            return None;
        }
        self.ai.chars().last().and_then(|d| d.to_digit(10))
    }
}

const N: Content = Content::Numeric;
const X: Content = Content::Alphanumeric;
const D: Content = Content::Date;
const DEC: Content = Content::Decimal;

const fn spec(
    ai: &'static str,
    title: &'static str,
    min_len: u8,
    max_len: u8,
    content: Content,
    check_digit: bool,
) -> AiSpec {
    AiSpec { ai, title, min_len, max_len, content, check_digit }
}

/// Every Application Identifier of the GS1 General Specifications AI table,
/// one entry per AI (the 310n-369n and 390n-395n families expanded per last
/// digit), sorted by AI in byte order so `lookup` can binary-search it.
///
/// Columns: AI, data title, min length, max length, content, check digit.
/// Lengths count data characters only, not the AI. `check_digit` means the
/// data's LAST character is a GS1 mod-10 check digit; the few AIs whose check
/// digit sits inside the data (253, 255, 8003, 8006, 8026) have `false` here
/// and are listed by [`inner_check_len`].
#[rustfmt::skip]
pub static AIS: &[AiSpec] = &[
    spec("00",  "SSCC",                       18, 18, N,   true),
    spec("01",  "GTIN",                       14, 14, N,   true),
    spec("02",  "CONTENT",                    14, 14, N,   true),
    spec("03",  "MTO GTIN",                   14, 14, N,   true),
    spec("10",  "BATCH/LOT",                   1, 20, X,   false),
    spec("11",  "PROD DATE",                   6,  6, D,   false),
    spec("12",  "DUE DATE",                    6,  6, D,   false),
    spec("13",  "PACK DATE",                   6,  6, D,   false),
    spec("15",  "BEST BEFORE or BEST BY",      6,  6, D,   false),
    spec("16",  "SELL BY",                     6,  6, D,   false),
    spec("17",  "USE BY OR EXPIRY",            6,  6, D,   false),
    spec("20",  "VARIANT",                     2,  2, N,   false),
    spec("21",  "SERIAL",                      1, 20, X,   false),
    spec("22",  "CPV",                         1, 20, X,   false),
    spec("235", "TPX",                         1, 28, X,   false),
    spec("240", "ADDITIONAL ID",               1, 30, X,   false),
    spec("241", "CUST. PART No.",              1, 30, X,   false),
    spec("242", "MTO VARIANT",                 1,  6, N,   false),
    spec("243", "PCN",                         1, 20, X,   false),
    spec("250", "SECONDARY SERIAL",            1, 30, X,   false),
    spec("251", "REF. TO SOURCE",              1, 30, X,   false),
    // GDTI: N13 (GS1 check digit at position 13) + optional serial X..17; see `inner_check_len`.
    spec("253", "GDTI",                       13, 30, X,   false),
    spec("254", "GLN EXTENSION COMPONENT",     1, 20, X,   false),
    // GCN: N13 (check digit at position 13) + optional serial N..12; see `inner_check_len`.
    spec("255", "GCN",                        13, 25, N,   false),
    spec("30",  "VAR. COUNT",                  1,  8, N,   false),
    // 310n-369n: N6 with n (last AI digit) implied decimals, 0..5.
    spec("3100","NET WEIGHT (kg)",             6,  6, DEC, false),
    spec("3101","NET WEIGHT (kg)",             6,  6, DEC, false),
    spec("3102","NET WEIGHT (kg)",             6,  6, DEC, false),
    spec("3103","NET WEIGHT (kg)",             6,  6, DEC, false),
    spec("3104","NET WEIGHT (kg)",             6,  6, DEC, false),
    spec("3105","NET WEIGHT (kg)",             6,  6, DEC, false),
    spec("3110","LENGTH (m)",                  6,  6, DEC, false),
    spec("3111","LENGTH (m)",                  6,  6, DEC, false),
    spec("3112","LENGTH (m)",                  6,  6, DEC, false),
    spec("3113","LENGTH (m)",                  6,  6, DEC, false),
    spec("3114","LENGTH (m)",                  6,  6, DEC, false),
    spec("3115","LENGTH (m)",                  6,  6, DEC, false),
    spec("3120","WIDTH (m)",                   6,  6, DEC, false),
    spec("3121","WIDTH (m)",                   6,  6, DEC, false),
    spec("3122","WIDTH (m)",                   6,  6, DEC, false),
    spec("3123","WIDTH (m)",                   6,  6, DEC, false),
    spec("3124","WIDTH (m)",                   6,  6, DEC, false),
    spec("3125","WIDTH (m)",                   6,  6, DEC, false),
    spec("3130","HEIGHT (m)",                  6,  6, DEC, false),
    spec("3131","HEIGHT (m)",                  6,  6, DEC, false),
    spec("3132","HEIGHT (m)",                  6,  6, DEC, false),
    spec("3133","HEIGHT (m)",                  6,  6, DEC, false),
    spec("3134","HEIGHT (m)",                  6,  6, DEC, false),
    spec("3135","HEIGHT (m)",                  6,  6, DEC, false),
    spec("3140","AREA (m²)",                   6,  6, DEC, false),
    spec("3141","AREA (m²)",                   6,  6, DEC, false),
    spec("3142","AREA (m²)",                   6,  6, DEC, false),
    spec("3143","AREA (m²)",                   6,  6, DEC, false),
    spec("3144","AREA (m²)",                   6,  6, DEC, false),
    spec("3145","AREA (m²)",                   6,  6, DEC, false),
    spec("3150","NET VOLUME (l)",              6,  6, DEC, false),
    spec("3151","NET VOLUME (l)",              6,  6, DEC, false),
    spec("3152","NET VOLUME (l)",              6,  6, DEC, false),
    spec("3153","NET VOLUME (l)",              6,  6, DEC, false),
    spec("3154","NET VOLUME (l)",              6,  6, DEC, false),
    spec("3155","NET VOLUME (l)",              6,  6, DEC, false),
    spec("3160","NET VOLUME (m³)",             6,  6, DEC, false),
    spec("3161","NET VOLUME (m³)",             6,  6, DEC, false),
    spec("3162","NET VOLUME (m³)",             6,  6, DEC, false),
    spec("3163","NET VOLUME (m³)",             6,  6, DEC, false),
    spec("3164","NET VOLUME (m³)",             6,  6, DEC, false),
    spec("3165","NET VOLUME (m³)",             6,  6, DEC, false),
    spec("3200","NET WEIGHT (lb)",             6,  6, DEC, false),
    spec("3201","NET WEIGHT (lb)",             6,  6, DEC, false),
    spec("3202","NET WEIGHT (lb)",             6,  6, DEC, false),
    spec("3203","NET WEIGHT (lb)",             6,  6, DEC, false),
    spec("3204","NET WEIGHT (lb)",             6,  6, DEC, false),
    spec("3205","NET WEIGHT (lb)",             6,  6, DEC, false),
    spec("3210","LENGTH (in)",                 6,  6, DEC, false),
    spec("3211","LENGTH (in)",                 6,  6, DEC, false),
    spec("3212","LENGTH (in)",                 6,  6, DEC, false),
    spec("3213","LENGTH (in)",                 6,  6, DEC, false),
    spec("3214","LENGTH (in)",                 6,  6, DEC, false),
    spec("3215","LENGTH (in)",                 6,  6, DEC, false),
    spec("3220","LENGTH (ft)",                 6,  6, DEC, false),
    spec("3221","LENGTH (ft)",                 6,  6, DEC, false),
    spec("3222","LENGTH (ft)",                 6,  6, DEC, false),
    spec("3223","LENGTH (ft)",                 6,  6, DEC, false),
    spec("3224","LENGTH (ft)",                 6,  6, DEC, false),
    spec("3225","LENGTH (ft)",                 6,  6, DEC, false),
    spec("3230","LENGTH (yd)",                 6,  6, DEC, false),
    spec("3231","LENGTH (yd)",                 6,  6, DEC, false),
    spec("3232","LENGTH (yd)",                 6,  6, DEC, false),
    spec("3233","LENGTH (yd)",                 6,  6, DEC, false),
    spec("3234","LENGTH (yd)",                 6,  6, DEC, false),
    spec("3235","LENGTH (yd)",                 6,  6, DEC, false),
    spec("3240","WIDTH (in)",                  6,  6, DEC, false),
    spec("3241","WIDTH (in)",                  6,  6, DEC, false),
    spec("3242","WIDTH (in)",                  6,  6, DEC, false),
    spec("3243","WIDTH (in)",                  6,  6, DEC, false),
    spec("3244","WIDTH (in)",                  6,  6, DEC, false),
    spec("3245","WIDTH (in)",                  6,  6, DEC, false),
    spec("3250","WIDTH (ft)",                  6,  6, DEC, false),
    spec("3251","WIDTH (ft)",                  6,  6, DEC, false),
    spec("3252","WIDTH (ft)",                  6,  6, DEC, false),
    spec("3253","WIDTH (ft)",                  6,  6, DEC, false),
    spec("3254","WIDTH (ft)",                  6,  6, DEC, false),
    spec("3255","WIDTH (ft)",                  6,  6, DEC, false),
    spec("3260","WIDTH (yd)",                  6,  6, DEC, false),
    spec("3261","WIDTH (yd)",                  6,  6, DEC, false),
    spec("3262","WIDTH (yd)",                  6,  6, DEC, false),
    spec("3263","WIDTH (yd)",                  6,  6, DEC, false),
    spec("3264","WIDTH (yd)",                  6,  6, DEC, false),
    spec("3265","WIDTH (yd)",                  6,  6, DEC, false),
    spec("3270","HEIGHT (in)",                 6,  6, DEC, false),
    spec("3271","HEIGHT (in)",                 6,  6, DEC, false),
    spec("3272","HEIGHT (in)",                 6,  6, DEC, false),
    spec("3273","HEIGHT (in)",                 6,  6, DEC, false),
    spec("3274","HEIGHT (in)",                 6,  6, DEC, false),
    spec("3275","HEIGHT (in)",                 6,  6, DEC, false),
    spec("3280","HEIGHT (ft)",                 6,  6, DEC, false),
    spec("3281","HEIGHT (ft)",                 6,  6, DEC, false),
    spec("3282","HEIGHT (ft)",                 6,  6, DEC, false),
    spec("3283","HEIGHT (ft)",                 6,  6, DEC, false),
    spec("3284","HEIGHT (ft)",                 6,  6, DEC, false),
    spec("3285","HEIGHT (ft)",                 6,  6, DEC, false),
    spec("3290","HEIGHT (yd)",                 6,  6, DEC, false),
    spec("3291","HEIGHT (yd)",                 6,  6, DEC, false),
    spec("3292","HEIGHT (yd)",                 6,  6, DEC, false),
    spec("3293","HEIGHT (yd)",                 6,  6, DEC, false),
    spec("3294","HEIGHT (yd)",                 6,  6, DEC, false),
    spec("3295","HEIGHT (yd)",                 6,  6, DEC, false),
    spec("3300","GROSS WEIGHT (kg)",           6,  6, DEC, false),
    spec("3301","GROSS WEIGHT (kg)",           6,  6, DEC, false),
    spec("3302","GROSS WEIGHT (kg)",           6,  6, DEC, false),
    spec("3303","GROSS WEIGHT (kg)",           6,  6, DEC, false),
    spec("3304","GROSS WEIGHT (kg)",           6,  6, DEC, false),
    spec("3305","GROSS WEIGHT (kg)",           6,  6, DEC, false),
    spec("3310","LENGTH (m), log",             6,  6, DEC, false),
    spec("3311","LENGTH (m), log",             6,  6, DEC, false),
    spec("3312","LENGTH (m), log",             6,  6, DEC, false),
    spec("3313","LENGTH (m), log",             6,  6, DEC, false),
    spec("3314","LENGTH (m), log",             6,  6, DEC, false),
    spec("3315","LENGTH (m), log",             6,  6, DEC, false),
    spec("3320","WIDTH (m), log",              6,  6, DEC, false),
    spec("3321","WIDTH (m), log",              6,  6, DEC, false),
    spec("3322","WIDTH (m), log",              6,  6, DEC, false),
    spec("3323","WIDTH (m), log",              6,  6, DEC, false),
    spec("3324","WIDTH (m), log",              6,  6, DEC, false),
    spec("3325","WIDTH (m), log",              6,  6, DEC, false),
    spec("3330","HEIGHT (m), log",             6,  6, DEC, false),
    spec("3331","HEIGHT (m), log",             6,  6, DEC, false),
    spec("3332","HEIGHT (m), log",             6,  6, DEC, false),
    spec("3333","HEIGHT (m), log",             6,  6, DEC, false),
    spec("3334","HEIGHT (m), log",             6,  6, DEC, false),
    spec("3335","HEIGHT (m), log",             6,  6, DEC, false),
    spec("3340","AREA (m²), log",              6,  6, DEC, false),
    spec("3341","AREA (m²), log",              6,  6, DEC, false),
    spec("3342","AREA (m²), log",              6,  6, DEC, false),
    spec("3343","AREA (m²), log",              6,  6, DEC, false),
    spec("3344","AREA (m²), log",              6,  6, DEC, false),
    spec("3345","AREA (m²), log",              6,  6, DEC, false),
    spec("3350","VOLUME (l), log",             6,  6, DEC, false),
    spec("3351","VOLUME (l), log",             6,  6, DEC, false),
    spec("3352","VOLUME (l), log",             6,  6, DEC, false),
    spec("3353","VOLUME (l), log",             6,  6, DEC, false),
    spec("3354","VOLUME (l), log",             6,  6, DEC, false),
    spec("3355","VOLUME (l), log",             6,  6, DEC, false),
    spec("3360","VOLUME (m³), log",            6,  6, DEC, false),
    spec("3361","VOLUME (m³), log",            6,  6, DEC, false),
    spec("3362","VOLUME (m³), log",            6,  6, DEC, false),
    spec("3363","VOLUME (m³), log",            6,  6, DEC, false),
    spec("3364","VOLUME (m³), log",            6,  6, DEC, false),
    spec("3365","VOLUME (m³), log",            6,  6, DEC, false),
    spec("3370","KG PER m²",                   6,  6, DEC, false),
    spec("3371","KG PER m²",                   6,  6, DEC, false),
    spec("3372","KG PER m²",                   6,  6, DEC, false),
    spec("3373","KG PER m²",                   6,  6, DEC, false),
    spec("3374","KG PER m²",                   6,  6, DEC, false),
    spec("3375","KG PER m²",                   6,  6, DEC, false),
    spec("3400","GROSS WEIGHT (lb)",           6,  6, DEC, false),
    spec("3401","GROSS WEIGHT (lb)",           6,  6, DEC, false),
    spec("3402","GROSS WEIGHT (lb)",           6,  6, DEC, false),
    spec("3403","GROSS WEIGHT (lb)",           6,  6, DEC, false),
    spec("3404","GROSS WEIGHT (lb)",           6,  6, DEC, false),
    spec("3405","GROSS WEIGHT (lb)",           6,  6, DEC, false),
    spec("3410","LENGTH (in), log",            6,  6, DEC, false),
    spec("3411","LENGTH (in), log",            6,  6, DEC, false),
    spec("3412","LENGTH (in), log",            6,  6, DEC, false),
    spec("3413","LENGTH (in), log",            6,  6, DEC, false),
    spec("3414","LENGTH (in), log",            6,  6, DEC, false),
    spec("3415","LENGTH (in), log",            6,  6, DEC, false),
    spec("3420","LENGTH (ft), log",            6,  6, DEC, false),
    spec("3421","LENGTH (ft), log",            6,  6, DEC, false),
    spec("3422","LENGTH (ft), log",            6,  6, DEC, false),
    spec("3423","LENGTH (ft), log",            6,  6, DEC, false),
    spec("3424","LENGTH (ft), log",            6,  6, DEC, false),
    spec("3425","LENGTH (ft), log",            6,  6, DEC, false),
    spec("3430","LENGTH (yd), log",            6,  6, DEC, false),
    spec("3431","LENGTH (yd), log",            6,  6, DEC, false),
    spec("3432","LENGTH (yd), log",            6,  6, DEC, false),
    spec("3433","LENGTH (yd), log",            6,  6, DEC, false),
    spec("3434","LENGTH (yd), log",            6,  6, DEC, false),
    spec("3435","LENGTH (yd), log",            6,  6, DEC, false),
    spec("3440","WIDTH (in), log",             6,  6, DEC, false),
    spec("3441","WIDTH (in), log",             6,  6, DEC, false),
    spec("3442","WIDTH (in), log",             6,  6, DEC, false),
    spec("3443","WIDTH (in), log",             6,  6, DEC, false),
    spec("3444","WIDTH (in), log",             6,  6, DEC, false),
    spec("3445","WIDTH (in), log",             6,  6, DEC, false),
    spec("3450","WIDTH (ft), log",             6,  6, DEC, false),
    spec("3451","WIDTH (ft), log",             6,  6, DEC, false),
    spec("3452","WIDTH (ft), log",             6,  6, DEC, false),
    spec("3453","WIDTH (ft), log",             6,  6, DEC, false),
    spec("3454","WIDTH (ft), log",             6,  6, DEC, false),
    spec("3455","WIDTH (ft), log",             6,  6, DEC, false),
    spec("3460","WIDTH (yd), log",             6,  6, DEC, false),
    spec("3461","WIDTH (yd), log",             6,  6, DEC, false),
    spec("3462","WIDTH (yd), log",             6,  6, DEC, false),
    spec("3463","WIDTH (yd), log",             6,  6, DEC, false),
    spec("3464","WIDTH (yd), log",             6,  6, DEC, false),
    spec("3465","WIDTH (yd), log",             6,  6, DEC, false),
    spec("3470","HEIGHT (in), log",            6,  6, DEC, false),
    spec("3471","HEIGHT (in), log",            6,  6, DEC, false),
    spec("3472","HEIGHT (in), log",            6,  6, DEC, false),
    spec("3473","HEIGHT (in), log",            6,  6, DEC, false),
    spec("3474","HEIGHT (in), log",            6,  6, DEC, false),
    spec("3475","HEIGHT (in), log",            6,  6, DEC, false),
    spec("3480","HEIGHT (ft), log",            6,  6, DEC, false),
    spec("3481","HEIGHT (ft), log",            6,  6, DEC, false),
    spec("3482","HEIGHT (ft), log",            6,  6, DEC, false),
    spec("3483","HEIGHT (ft), log",            6,  6, DEC, false),
    spec("3484","HEIGHT (ft), log",            6,  6, DEC, false),
    spec("3485","HEIGHT (ft), log",            6,  6, DEC, false),
    spec("3490","HEIGHT (yd), log",            6,  6, DEC, false),
    spec("3491","HEIGHT (yd), log",            6,  6, DEC, false),
    spec("3492","HEIGHT (yd), log",            6,  6, DEC, false),
    spec("3493","HEIGHT (yd), log",            6,  6, DEC, false),
    spec("3494","HEIGHT (yd), log",            6,  6, DEC, false),
    spec("3495","HEIGHT (yd), log",            6,  6, DEC, false),
    spec("3500","AREA (in²)",                  6,  6, DEC, false),
    spec("3501","AREA (in²)",                  6,  6, DEC, false),
    spec("3502","AREA (in²)",                  6,  6, DEC, false),
    spec("3503","AREA (in²)",                  6,  6, DEC, false),
    spec("3504","AREA (in²)",                  6,  6, DEC, false),
    spec("3505","AREA (in²)",                  6,  6, DEC, false),
    spec("3510","AREA (ft²)",                  6,  6, DEC, false),
    spec("3511","AREA (ft²)",                  6,  6, DEC, false),
    spec("3512","AREA (ft²)",                  6,  6, DEC, false),
    spec("3513","AREA (ft²)",                  6,  6, DEC, false),
    spec("3514","AREA (ft²)",                  6,  6, DEC, false),
    spec("3515","AREA (ft²)",                  6,  6, DEC, false),
    spec("3520","AREA (yd²)",                  6,  6, DEC, false),
    spec("3521","AREA (yd²)",                  6,  6, DEC, false),
    spec("3522","AREA (yd²)",                  6,  6, DEC, false),
    spec("3523","AREA (yd²)",                  6,  6, DEC, false),
    spec("3524","AREA (yd²)",                  6,  6, DEC, false),
    spec("3525","AREA (yd²)",                  6,  6, DEC, false),
    spec("3530","AREA (in²), log",             6,  6, DEC, false),
    spec("3531","AREA (in²), log",             6,  6, DEC, false),
    spec("3532","AREA (in²), log",             6,  6, DEC, false),
    spec("3533","AREA (in²), log",             6,  6, DEC, false),
    spec("3534","AREA (in²), log",             6,  6, DEC, false),
    spec("3535","AREA (in²), log",             6,  6, DEC, false),
    spec("3540","AREA (ft²), log",             6,  6, DEC, false),
    spec("3541","AREA (ft²), log",             6,  6, DEC, false),
    spec("3542","AREA (ft²), log",             6,  6, DEC, false),
    spec("3543","AREA (ft²), log",             6,  6, DEC, false),
    spec("3544","AREA (ft²), log",             6,  6, DEC, false),
    spec("3545","AREA (ft²), log",             6,  6, DEC, false),
    spec("3550","AREA (yd²), log",             6,  6, DEC, false),
    spec("3551","AREA (yd²), log",             6,  6, DEC, false),
    spec("3552","AREA (yd²), log",             6,  6, DEC, false),
    spec("3553","AREA (yd²), log",             6,  6, DEC, false),
    spec("3554","AREA (yd²), log",             6,  6, DEC, false),
    spec("3555","AREA (yd²), log",             6,  6, DEC, false),
    spec("3560","NET WEIGHT (t oz)",           6,  6, DEC, false),
    spec("3561","NET WEIGHT (t oz)",           6,  6, DEC, false),
    spec("3562","NET WEIGHT (t oz)",           6,  6, DEC, false),
    spec("3563","NET WEIGHT (t oz)",           6,  6, DEC, false),
    spec("3564","NET WEIGHT (t oz)",           6,  6, DEC, false),
    spec("3565","NET WEIGHT (t oz)",           6,  6, DEC, false),
    spec("3570","NET VOLUME (oz)",             6,  6, DEC, false),
    spec("3571","NET VOLUME (oz)",             6,  6, DEC, false),
    spec("3572","NET VOLUME (oz)",             6,  6, DEC, false),
    spec("3573","NET VOLUME (oz)",             6,  6, DEC, false),
    spec("3574","NET VOLUME (oz)",             6,  6, DEC, false),
    spec("3575","NET VOLUME (oz)",             6,  6, DEC, false),
    spec("3600","NET VOLUME (qt)",             6,  6, DEC, false),
    spec("3601","NET VOLUME (qt)",             6,  6, DEC, false),
    spec("3602","NET VOLUME (qt)",             6,  6, DEC, false),
    spec("3603","NET VOLUME (qt)",             6,  6, DEC, false),
    spec("3604","NET VOLUME (qt)",             6,  6, DEC, false),
    spec("3605","NET VOLUME (qt)",             6,  6, DEC, false),
    spec("3610","NET VOLUME (gal.)",           6,  6, DEC, false),
    spec("3611","NET VOLUME (gal.)",           6,  6, DEC, false),
    spec("3612","NET VOLUME (gal.)",           6,  6, DEC, false),
    spec("3613","NET VOLUME (gal.)",           6,  6, DEC, false),
    spec("3614","NET VOLUME (gal.)",           6,  6, DEC, false),
    spec("3615","NET VOLUME (gal.)",           6,  6, DEC, false),
    spec("3620","VOLUME (qt), log",            6,  6, DEC, false),
    spec("3621","VOLUME (qt), log",            6,  6, DEC, false),
    spec("3622","VOLUME (qt), log",            6,  6, DEC, false),
    spec("3623","VOLUME (qt), log",            6,  6, DEC, false),
    spec("3624","VOLUME (qt), log",            6,  6, DEC, false),
    spec("3625","VOLUME (qt), log",            6,  6, DEC, false),
    spec("3630","VOLUME (gal.), log",          6,  6, DEC, false),
    spec("3631","VOLUME (gal.), log",          6,  6, DEC, false),
    spec("3632","VOLUME (gal.), log",          6,  6, DEC, false),
    spec("3633","VOLUME (gal.), log",          6,  6, DEC, false),
    spec("3634","VOLUME (gal.), log",          6,  6, DEC, false),
    spec("3635","VOLUME (gal.), log",          6,  6, DEC, false),
    spec("3640","NET VOLUME (in³)",            6,  6, DEC, false),
    spec("3641","NET VOLUME (in³)",            6,  6, DEC, false),
    spec("3642","NET VOLUME (in³)",            6,  6, DEC, false),
    spec("3643","NET VOLUME (in³)",            6,  6, DEC, false),
    spec("3644","NET VOLUME (in³)",            6,  6, DEC, false),
    spec("3645","NET VOLUME (in³)",            6,  6, DEC, false),
    spec("3650","NET VOLUME (ft³)",            6,  6, DEC, false),
    spec("3651","NET VOLUME (ft³)",            6,  6, DEC, false),
    spec("3652","NET VOLUME (ft³)",            6,  6, DEC, false),
    spec("3653","NET VOLUME (ft³)",            6,  6, DEC, false),
    spec("3654","NET VOLUME (ft³)",            6,  6, DEC, false),
    spec("3655","NET VOLUME (ft³)",            6,  6, DEC, false),
    spec("3660","NET VOLUME (yd³)",            6,  6, DEC, false),
    spec("3661","NET VOLUME (yd³)",            6,  6, DEC, false),
    spec("3662","NET VOLUME (yd³)",            6,  6, DEC, false),
    spec("3663","NET VOLUME (yd³)",            6,  6, DEC, false),
    spec("3664","NET VOLUME (yd³)",            6,  6, DEC, false),
    spec("3665","NET VOLUME (yd³)",            6,  6, DEC, false),
    spec("3670","VOLUME (in³), log",           6,  6, DEC, false),
    spec("3671","VOLUME (in³), log",           6,  6, DEC, false),
    spec("3672","VOLUME (in³), log",           6,  6, DEC, false),
    spec("3673","VOLUME (in³), log",           6,  6, DEC, false),
    spec("3674","VOLUME (in³), log",           6,  6, DEC, false),
    spec("3675","VOLUME (in³), log",           6,  6, DEC, false),
    spec("3680","VOLUME (ft³), log",           6,  6, DEC, false),
    spec("3681","VOLUME (ft³), log",           6,  6, DEC, false),
    spec("3682","VOLUME (ft³), log",           6,  6, DEC, false),
    spec("3683","VOLUME (ft³), log",           6,  6, DEC, false),
    spec("3684","VOLUME (ft³), log",           6,  6, DEC, false),
    spec("3685","VOLUME (ft³), log",           6,  6, DEC, false),
    spec("3690","VOLUME (yd³), log",           6,  6, DEC, false),
    spec("3691","VOLUME (yd³), log",           6,  6, DEC, false),
    spec("3692","VOLUME (yd³), log",           6,  6, DEC, false),
    spec("3693","VOLUME (yd³), log",           6,  6, DEC, false),
    spec("3694","VOLUME (yd³), log",           6,  6, DEC, false),
    spec("3695","VOLUME (yd³), log",           6,  6, DEC, false),
    spec("37",  "COUNT",                       1,  8, N,   false),
    // 390n-393n: n = 0..9 implied decimals; 391n and 393n start with an ISO 4217
    // numeric currency code (N3), see `currency_prefixed`.
    spec("3900","AMOUNT",                      1, 15, DEC, false),
    spec("3901","AMOUNT",                      1, 15, DEC, false),
    spec("3902","AMOUNT",                      1, 15, DEC, false),
    spec("3903","AMOUNT",                      1, 15, DEC, false),
    spec("3904","AMOUNT",                      1, 15, DEC, false),
    spec("3905","AMOUNT",                      1, 15, DEC, false),
    spec("3906","AMOUNT",                      1, 15, DEC, false),
    spec("3907","AMOUNT",                      1, 15, DEC, false),
    spec("3908","AMOUNT",                      1, 15, DEC, false),
    spec("3909","AMOUNT",                      1, 15, DEC, false),
    spec("3910","AMOUNT",                      4, 18, DEC, false),
    spec("3911","AMOUNT",                      4, 18, DEC, false),
    spec("3912","AMOUNT",                      4, 18, DEC, false),
    spec("3913","AMOUNT",                      4, 18, DEC, false),
    spec("3914","AMOUNT",                      4, 18, DEC, false),
    spec("3915","AMOUNT",                      4, 18, DEC, false),
    spec("3916","AMOUNT",                      4, 18, DEC, false),
    spec("3917","AMOUNT",                      4, 18, DEC, false),
    spec("3918","AMOUNT",                      4, 18, DEC, false),
    spec("3919","AMOUNT",                      4, 18, DEC, false),
    spec("3920","PRICE",                       1, 15, DEC, false),
    spec("3921","PRICE",                       1, 15, DEC, false),
    spec("3922","PRICE",                       1, 15, DEC, false),
    spec("3923","PRICE",                       1, 15, DEC, false),
    spec("3924","PRICE",                       1, 15, DEC, false),
    spec("3925","PRICE",                       1, 15, DEC, false),
    spec("3926","PRICE",                       1, 15, DEC, false),
    spec("3927","PRICE",                       1, 15, DEC, false),
    spec("3928","PRICE",                       1, 15, DEC, false),
    spec("3929","PRICE",                       1, 15, DEC, false),
    spec("3930","PRICE",                       4, 18, DEC, false),
    spec("3931","PRICE",                       4, 18, DEC, false),
    spec("3932","PRICE",                       4, 18, DEC, false),
    spec("3933","PRICE",                       4, 18, DEC, false),
    spec("3934","PRICE",                       4, 18, DEC, false),
    spec("3935","PRICE",                       4, 18, DEC, false),
    spec("3936","PRICE",                       4, 18, DEC, false),
    spec("3937","PRICE",                       4, 18, DEC, false),
    spec("3938","PRICE",                       4, 18, DEC, false),
    spec("3939","PRICE",                       4, 18, DEC, false),
    // 394n: N4 percentage, n = 0..3 decimals. 395n: N6 price per unit of measure, n = 0..5.
    spec("3940","PRCNT OFF",                   4,  4, DEC, false),
    spec("3941","PRCNT OFF",                   4,  4, DEC, false),
    spec("3942","PRCNT OFF",                   4,  4, DEC, false),
    spec("3943","PRCNT OFF",                   4,  4, DEC, false),
    spec("3950","PRICE/UoM",                   6,  6, DEC, false),
    spec("3951","PRICE/UoM",                   6,  6, DEC, false),
    spec("3952","PRICE/UoM",                   6,  6, DEC, false),
    spec("3953","PRICE/UoM",                   6,  6, DEC, false),
    spec("3954","PRICE/UoM",                   6,  6, DEC, false),
    spec("3955","PRICE/UoM",                   6,  6, DEC, false),
    spec("400", "ORDER NUMBER",                1, 30, X,   false),
    spec("401", "GINC",                        1, 30, X,   false),
    spec("402", "GSIN",                       17, 17, N,   true),
    spec("403", "ROUTE",                       1, 30, X,   false),
    spec("410", "SHIP TO LOC",                13, 13, N,   true),
    spec("411", "BILL TO",                    13, 13, N,   true),
    spec("412", "PURCHASE FROM",              13, 13, N,   true),
    spec("413", "SHIP FOR LOC",               13, 13, N,   true),
    spec("414", "LOC No.",                    13, 13, N,   true),
    spec("415", "PAY TO",                     13, 13, N,   true),
    spec("416", "PROD/SERV LOC",              13, 13, N,   true),
    spec("417", "PARTY",                      13, 13, N,   true),
    spec("420", "SHIP TO POST",                1, 20, X,   false),
    // 421: ISO 3166 numeric country code (N3) + postal code X..9.
    spec("421", "SHIP TO POST",                4, 12, X,   false),
    spec("422", "ORIGIN",                      3,  3, N,   false),
    // 423, 425: one to five ISO 3166 numeric country codes (N3 each).
    spec("423", "COUNTRY - INITIAL PROCESS",   3, 15, N,   false),
    spec("424", "COUNTRY - PROCESS",           3,  3, N,   false),
    spec("425", "COUNTRY - DISASSEMBLY",       3, 15, N,   false),
    spec("426", "COUNTRY - FULL PROCESS",      3,  3, N,   false),
    spec("427", "ORIGIN SUBDIVISION",          1,  3, X,   false),
    spec("4300","SHIP TO COMP",                1, 35, X,   false),
    spec("4301","SHIP TO NAME",                1, 35, X,   false),
    spec("4302","SHIP TO ADD1",                1, 70, X,   false),
    spec("4303","SHIP TO ADD2",                1, 70, X,   false),
    spec("4304","SHIP TO SUB",                 1, 70, X,   false),
    spec("4305","SHIP TO LOC",                 1, 70, X,   false),
    spec("4306","SHIP TO REG",                 1, 70, X,   false),
    spec("4307","SHIP TO COUNTRY",             2,  2, X,   false),
    spec("4308","SHIP TO PHONE",               1, 30, X,   false),
    spec("4309","SHIP TO GEO",                20, 20, N,   false),
    spec("4310","RTN TO COMP",                 1, 35, X,   false),
    spec("4311","RTN TO NAME",                 1, 35, X,   false),
    spec("4312","RTN TO ADD1",                 1, 70, X,   false),
    spec("4313","RTN TO ADD2",                 1, 70, X,   false),
    spec("4314","RTN TO SUB",                  1, 70, X,   false),
    spec("4315","RTN TO LOC",                  1, 70, X,   false),
    spec("4316","RTN TO REG",                  1, 70, X,   false),
    spec("4317","RTN TO COUNTRY",              2,  2, X,   false),
    spec("4318","RTN TO POST",                 1, 20, X,   false),
    spec("4319","RTN TO PHONE",                1, 30, X,   false),
    spec("4320","SRV DESCRIPTION",             1, 35, X,   false),
    spec("4321","DANGEROUS GOODS",             1,  1, N,   false),
    spec("4322","AUTH TO LEAVE",               1,  1, N,   false),
    spec("4323","SIG REQUIRED",                1,  1, N,   false),
    // 4324, 4325: YYMMDDHHMM (date and time, so Numeric, not Date).
    spec("4324","NOT BEF DEL DT",             10, 10, N,   false),
    spec("4325","NOT AFT DEL DT",             10, 10, N,   false),
    spec("4326","REL DATE",                    6,  6, D,   false),
    // 4330-4333: N6 temperature (2 implied decimals) + optional '-' for below zero,
    // hence Alphanumeric 6..7.
    spec("4330","MAX TEMP F.",                 6,  7, X,   false),
    spec("4331","MAX TEMP C.",                 6,  7, X,   false),
    spec("4332","MIN TEMP F.",                 6,  7, X,   false),
    spec("4333","MIN TEMP C.",                 6,  7, X,   false),
    spec("7001","NSN",                        13, 13, N,   false),
    spec("7002","MEAT CUT",                    1, 30, X,   false),
    // 7003 YYMMDDHHMM; 7007 YYMMDD[YYMMDD]; 7011 YYMMDD[HHMM]: Numeric, not Date.
    spec("7003","EXPIRY TIME",                10, 10, N,   false),
    spec("7004","ACTIVE POTENCY",              1,  4, N,   false),
    spec("7005","CATCH AREA",                  1, 12, X,   false),
    spec("7006","FIRST FREEZE DATE",           6,  6, D,   false),
    spec("7007","HARVEST DATE",                6, 12, N,   false),
    spec("7008","AQUATIC SPECIES",             1,  3, X,   false),
    spec("7009","FISHING GEAR TYPE",           1, 10, X,   false),
    spec("7010","PROD METHOD",                 1,  2, X,   false),
    spec("7011","TEST BY DATE",                6, 10, N,   false),
    spec("7020","REFURB LOT",                  1, 20, X,   false),
    spec("7021","FUNC STAT",                   1, 20, X,   false),
    spec("7022","REV STAT",                    1, 20, X,   false),
    spec("7023","GIAI - ASSEMBLY",             1, 30, X,   false),
    // 7030-7039: ISO 3166 numeric country code (N3) + approval number X..27.
    spec("7030","PROCESSOR # 0",               4, 30, X,   false),
    spec("7031","PROCESSOR # 1",               4, 30, X,   false),
    spec("7032","PROCESSOR # 2",               4, 30, X,   false),
    spec("7033","PROCESSOR # 3",               4, 30, X,   false),
    spec("7034","PROCESSOR # 4",               4, 30, X,   false),
    spec("7035","PROCESSOR # 5",               4, 30, X,   false),
    spec("7036","PROCESSOR # 6",               4, 30, X,   false),
    spec("7037","PROCESSOR # 7",               4, 30, X,   false),
    spec("7038","PROCESSOR # 8",               4, 30, X,   false),
    spec("7039","PROCESSOR # 9",               4, 30, X,   false),
    spec("7040","UIC+EXT",                     4,  4, X,   false),
    spec("7041","UFRGT UNIT TYPE",             1,  4, X,   false),
    spec("710", "NHRN PZN",                    1, 20, X,   false),
    spec("711", "NHRN CIP",                    1, 20, X,   false),
    spec("712", "NHRN CN",                     1, 20, X,   false),
    spec("713", "NHRN DRN",                    1, 20, X,   false),
    spec("714", "NHRN AIM",                    1, 20, X,   false),
    spec("715", "NHRN NDC",                    1, 20, X,   false),
    spec("716", "NHRN AIC",                    1, 20, X,   false),
    spec("717", "NHRN SRN",                    1, 20, X,   false),
    // 7230-7239: certification scheme code X2 + reference X..28.
    spec("7230","CERT # 1",                    3, 30, X,   false),
    spec("7231","CERT # 2",                    3, 30, X,   false),
    spec("7232","CERT # 3",                    3, 30, X,   false),
    spec("7233","CERT # 4",                    3, 30, X,   false),
    spec("7234","CERT # 5",                    3, 30, X,   false),
    spec("7235","CERT # 6",                    3, 30, X,   false),
    spec("7236","CERT # 7",                    3, 30, X,   false),
    spec("7237","CERT # 8",                    3, 30, X,   false),
    spec("7238","CERT # 9",                    3, 30, X,   false),
    spec("7239","CERT # 10",                   3, 30, X,   false),
    spec("7240","PROTOCOL",                    1, 20, X,   false),
    spec("7241","AIDC MEDIA TYPE",             2,  2, N,   false),
    spec("7242","VCN",                         1, 25, X,   false),
    // 7250 YYYYMMDD, 7251 YYYYMMDDHHMM (four-digit years): Numeric.
    spec("7250","DOB",                         8,  8, N,   false),
    spec("7251","DOB TIME",                   12, 12, N,   false),
    spec("7252","BIO SEX",                     1,  1, N,   false),
    spec("7253","FAMILY NAME",                 1, 40, X,   false),
    spec("7254","GIVEN NAME",                  1, 40, X,   false),
    spec("7255","SUFFIX",                      1, 10, X,   false),
    spec("7256","FULL NAME",                   1, 90, X,   false),
    spec("7257","PERSON ADDR",                 1, 70, X,   false),
    spec("7258","BIRTH SEQUENCE",              3,  3, X,   false),
    spec("7259","BABY",                        1, 40, X,   false),
    spec("8001","DIMENSIONS",                 14, 14, N,   false),
    spec("8002","CMT No.",                     1, 20, X,   false),
    // 8003 GRAI: '0' + N13 (check digit at position 14) + optional serial X..16.
    // 8006, 8026 ITIP: N14 (check digit at position 14) + N2 piece + N2 total.
    // 8013 GMN, 8014 MUDI end in a mod-1021 check-character pair, not a mod-10 digit.
    spec("8003","GRAI",                       14, 30, X,   false),
    spec("8004","GIAI",                        1, 30, X,   false),
    spec("8005","PRICE PER UNIT",              6,  6, N,   false),
    spec("8006","ITIP",                       18, 18, N,   false),
    spec("8007","IBAN",                        1, 34, X,   false),
    spec("8008","PROD TIME",                   8, 12, N,   false),
    spec("8009","OPTSEN",                      1, 50, X,   false),
    spec("8010","CPID",                        1, 30, X,   false),
    spec("8011","CPID SERIAL",                 1, 12, N,   false),
    spec("8012","VERSION",                     1, 20, X,   false),
    spec("8013","GMN",                         1, 25, X,   false),
    spec("8014","MUDI",                        1, 25, X,   false),
    spec("8017","GSRN - PROVIDER",            18, 18, N,   true),
    spec("8018","GSRN - RECIPIENT",           18, 18, N,   true),
    spec("8019","SRIN",                        1, 10, N,   false),
    spec("8020","REF No.",                     1, 25, X,   false),
    spec("8026","ITIP CONTENT",               18, 18, N,   false),
    spec("8030","DIGSIG",                      1, 90, X,   false),
    // 8040 IMEI, 8041 IMEI2 (Luhn check, not GS1 mod-10), 8042 ESIM, 8043 PSIM.
    spec("8040","IMEI",                       15, 15, N,   false),
    spec("8041","IMEI2",                      15, 15, N,   false),
    spec("8042","ESIM",                       32, 32, N,   false),
    spec("8043","PSIM",                       18, 20, N,   false),
    // 8110, 8112: North American coupon codes; the spec's data title is "-".
    spec("8110","-",                           1, 70, X,   false),
    spec("8111","POINTS",                      4,  4, N,   false),
    spec("8112","-",                           1, 70, X,   false),
    spec("8200","PRODUCT URL",                 1, 70, X,   false),
    // 90-99: company internal.
    spec("90",  "INTERNAL",                    1, 30, X,   false),
    spec("91",  "INTERNAL",                    1, 90, X,   false),
    spec("92",  "INTERNAL",                    1, 90, X,   false),
    spec("93",  "INTERNAL",                    1, 90, X,   false),
    spec("94",  "INTERNAL",                    1, 90, X,   false),
    spec("95",  "INTERNAL",                    1, 90, X,   false),
    spec("96",  "INTERNAL",                    1, 90, X,   false),
    spec("97",  "INTERNAL",                    1, 90, X,   false),
    spec("98",  "INTERNAL",                    1, 90, X,   false),
    spec("99",  "INTERNAL",                    1, 90, X,   false),
];

/// Looks an AI up by the leading digits of `data`: returns the spec whose AI
/// is a prefix of `data` (AIs are prefix-free), or `None`.
#[must_use]
pub fn lookup(data: &str) -> Option<&'static AiSpec> {
    // AIs are 2, 3 or 4 digits and no AI is a prefix of another, so at most
    // one of these three exact searches can hit.
    (2..=4).find_map(|len| {
        let ai = data.get(..len)?;
        AIS.binary_search_by(|spec| spec.ai.cmp(ai)).ok().and_then(|i| AIS.get(i))
    })
}

/// The GS1 table of element strings with a predefined length, keyed by the
/// first two digits of the AI: the total length (AI digits included) of every
/// element string whose AI starts with those digits, or `None`.
///
/// It exists because only these elements may be followed by the next AI with
/// no FNC1/GS separator: encoders leave the GS out after them, so a parser
/// must not require one there. The table is frozen by GS1: newer fixed-length
/// AIs (422, 4307, 7003, 8001...) are NOT in it and still need a separator
/// when another element follows, so `min_len == max_len` alone does not
/// decide this. Entries 04, 14, 18 and 19 are reserved (no AI assigned yet).
#[must_use]
pub fn predefined_length(ai: &str) -> Option<usize> {
    let len = match ai.get(..2)? {
        "00" => 20,
        "01" | "02" | "03" | "41" => 16,
        "04" => 18,
        "11" | "12" | "13" | "14" | "15" | "16" | "17" | "18" | "19" => 8,
        "20" => 4,
        "31" | "32" | "33" | "34" | "35" | "36" => 10,
        _ => return None,
    };
    Some(len)
}

/// For the AIs whose data carries a GS1 mod-10 check digit that is not its
/// last character: how many leading characters the check digit ends (the check
/// covers `data[..n]`, the digit is `data[n - 1]`). GDTI 253 and GCN 255: 13;
/// GRAI 8003 ('0' + N13), ITIP 8006 and ITIP CONTENT 8026: 14. These have
/// `check_digit == false` in [`AIS`]; every other AI gives `None`.
#[must_use]
pub fn inner_check_len(ai: &str) -> Option<usize> {
    match ai {
        "253" | "255" => Some(13),
        "8003" | "8006" | "8026" => Some(14),
        _ => None,
    }
}

/// Whether the AI's data starts with a three-digit ISO 4217 currency code
/// before the amount (391n, 393n): the implied decimals apply to the amount
/// after those three digits, not to the whole data.
#[must_use]
pub fn currency_prefixed(ai: &str) -> bool {
    ai.len() == 4 && (ai.starts_with("391") || ai.starts_with("393"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_well_formed() {
        assert!(AIS.len() > 500, "{} entries", AIS.len());
        for pair in AIS.windows(2) {
            assert!(pair[0].ai < pair[1].ai, "not sorted or duplicated: {} then {}", pair[0].ai, pair[1].ai);
        }
        for spec in AIS {
            let ai = spec.ai;
            assert!((2..=4).contains(&ai.len()) && ai.bytes().all(|b| b.is_ascii_digit()), "AI {ai}");
            assert!(!spec.title.is_empty(), "AI {ai} has no title");
            assert!(1 <= spec.min_len && spec.min_len <= spec.max_len && spec.max_len <= 90, "AI {ai} lengths");
            if spec.content == Content::Date {
                assert_eq!((spec.min_len, spec.max_len), (6, 6), "AI {ai}: a date is YYMMDD");
            }
            if spec.check_digit {
                assert!(spec.content == Content::Numeric && spec.min_len == spec.max_len, "AI {ai}: check digit");
            }
            for other in AIS {
                assert!(other.ai == ai || !other.ai.starts_with(ai), "AI {ai} is a prefix of {}", other.ai);
            }
        }
    }

    #[test]
    fn decimal_families_are_expanded() {
        let count = |prefix: &str| AIS.iter().filter(|s| s.ai.len() == 4 && s.ai.starts_with(prefix)).count();
        for spec in AIS.iter().filter(|s| s.content == Content::Decimal) {
            let family = &spec.ai[..3];
            let want = match family {
                "390" | "391" | "392" | "393" => 10,
                "394" => 4,
                _ => 6,
            };
            assert_eq!(count(family), want, "family {family}n");
            assert_eq!(spec.implied_decimals(), spec.ai[3..].parse().ok());
        }
        assert_eq!(AIS.iter().filter(|s| s.ai.starts_with('3') && s.ai.len() == 4).count(), 53 * 6 + 40 + 4 + 6);
        assert_eq!(lookup("3103").unwrap().implied_decimals(), Some(3));
        assert_eq!(lookup("01").unwrap().implied_decimals(), None);
    }

    #[test]
    fn every_entry_is_found_by_its_ai_followed_by_data() {
        for spec in AIS {
            let data = format!("{}123456", spec.ai);
            assert_eq!(lookup(&data), Some(spec));
            assert_eq!(lookup(spec.ai), Some(spec));
        }
    }

    #[test]
    fn lookup_finds_the_common_ais() {
        let check = |data: &str, ai: &str, title: &str, min: u8, max: u8, content: Content| {
            let spec = lookup(data).unwrap_or_else(|| panic!("{data} not found"));
            assert_eq!((spec.ai, spec.title, spec.min_len, spec.max_len, spec.content), (ai, title, min, max, content));
        };
        check("0109501101530003", "01", "GTIN", 14, 14, Content::Numeric);
        assert!(lookup("01").unwrap().check_digit);
        check("10ABC", "10", "BATCH/LOT", 1, 20, Content::Alphanumeric);
        check("17260630", "17", "USE BY OR EXPIRY", 6, 6, Content::Date);
        check("3103001250", "3103", "NET WEIGHT (kg)", 6, 6, Content::Decimal);
        check("39221234", "3922", "PRICE", 1, 15, Content::Decimal);
        check("70032606301200", "7003", "EXPIRY TIME", 10, 10, Content::Numeric);
        check("8200https://example.com", "8200", "PRODUCT URL", 1, 70, Content::Alphanumeric);
        check("99XYZ", "99", "INTERNAL", 1, 90, Content::Alphanumeric);
        check("00106141411234567897", "00", "SSCC", 18, 18, Content::Numeric);
        check("15260101", "15", "BEST BEFORE or BEST BY", 6, 6, Content::Date);
        check("7006260101", "7006", "FIRST FREEZE DATE", 6, 6, Content::Date);
        check("4326260101", "4326", "REL DATE", 6, 6, Content::Date);
        check("7007260101260131", "7007", "HARVEST DATE", 6, 12, Content::Numeric);
        check("4324", "4324", "NOT BEF DEL DT", 10, 10, Content::Numeric);
        check("25312345678901234", "253", "GDTI", 13, 30, Content::Alphanumeric);
        assert!(!lookup("253").unwrap().check_digit);
    }

    #[test]
    fn lookup_rejects_unassigned_and_short_input() {
        for data in ["", "4", "23", "2", "04", "14", "18", "19", "238", "3170", "3106", "3944", "3956", "7024", "8015"]
        {
            assert_eq!(lookup(data), None, "{data:?}");
        }
        // Not digits, or a multi-byte character where the AI would end.
        assert_eq!(lookup("AB12"), None);
        assert_eq!(lookup("0é"), None);
        assert_eq!(lookup("71é"), None);
    }

    #[test]
    fn predefined_length_matches_the_table() {
        let mut covered = 0;
        for spec in AIS {
            if let Some(total) = predefined_length(spec.ai) {
                covered += 1;
                assert_eq!(spec.min_len, spec.max_len, "AI {} has a predefined length", spec.ai);
                assert_eq!(spec.ai.len() + usize::from(spec.max_len), total, "AI {}", spec.ai);
            }
        }
        // 00-03, 11-13, 15-17, 20, 310n-369n, 410-417.
        assert_eq!(covered, 4 + 6 + 1 + 53 * 6 + 8);
        assert_eq!(predefined_length("3103"), Some(10));
        assert_eq!(predefined_length("0109501101530003"), Some(16));
        assert_eq!(predefined_length("414"), Some(16));
        assert_eq!(predefined_length("04"), Some(18));
        for ai in ["10", "21", "37", "3922", "422", "7003", "8001", "0", "", "é"] {
            assert_eq!(predefined_length(ai), None, "{ai:?}");
        }
    }

    #[test]
    fn inner_check_digits_and_currency_prefixes() {
        for spec in AIS {
            if let Some(n) = inner_check_len(spec.ai) {
                assert!(!spec.check_digit && usize::from(spec.min_len) >= n, "AI {}", spec.ai);
            }
        }
        assert_eq!(inner_check_len("8003"), Some(14));
        assert_eq!(inner_check_len("01"), None);
        assert!(currency_prefixed("3912") && currency_prefixed("3930"));
        assert!(!currency_prefixed("3902") && !currency_prefixed("3922") && !currency_prefixed("391"));
    }
}
