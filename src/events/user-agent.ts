// The browser and operating system families Active on Site reports, from the user agent: the first entry whose
// pattern matches ("name=pattern", or a name that is its own pattern). Edge, Opera and Samsung Internet also
// name Chrome and Safari, Chrome names Safari, iOS names Mac OS X and Android names Linux. Plain alternations
// only: a user agent may be any length.
const BROWSERS = 'Edge=Edg,Samsung Internet=SamsungB,Opera=OPR|Opera,Firefox=Firefox|FxiOS,Chrome=Chrom|CriOS,Safari';
const SYSTEMS = 'iOS=iP(hone|ad|od),Android,ChromeOS=CrOS,Windows,macOS=Mac,Linux';

function familyOf(userAgent: string, families: string) {
  for (const family of families.split(',')) {
    const [name, pattern] = family.split('=');
    if (RegExp(pattern || name).test(userAgent)) return name;
  }
}

/** One of Edge, Samsung Internet, Opera, Firefox, Chrome, Safari; undefined for any other. */
export const browserOf = (userAgent: string) => familyOf(userAgent, BROWSERS);

/** One of iOS, Android, ChromeOS, Windows, macOS, Linux; undefined for any other. */
export const osOf = (userAgent: string) => familyOf(userAgent, SYSTEMS);
