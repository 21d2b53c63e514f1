/** How unit names are written, for reading them where no separator marks where one ends. */

/** The titles a leader's name carries. */
export const LEADER_TITLE =
  /常务副市长|副市长|市长|常务副区长|副区长|区长|常务副县长|副县长|县长|副书记|书记|副秘书长|秘书长|副主任|主任|副部长|部长|同志/;

/** A person: a short name with a title. */
export const PERSON = new RegExp(`^[\\u4e00-\\u9fa5]{1,4}(?:${LEADER_TITLE.source})$`);

/** How unit names end; a piece after a 各… phrase that ends otherwise is a fragment of that phrase. */
export const UNIT_SUFFIX =
  /(局|委|办|政府|中心|处|院|所|会|队|部|室|站|馆|公司|集团|街道|镇|乡|分局|办事处|党组|工委|党委|法院|检察院|银行|学校|医院)$/;

/** Where a unit's name may begin inside a run of names: an administrative level. */
export const LEVEL_START = /^(省|市|区|县|州|镇|乡|街道)/;
