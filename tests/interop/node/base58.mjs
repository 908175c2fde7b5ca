// base58btc decoding, written here so the check does not reuse the service's own decoder.
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
export const base58btc = {
  decode(text) {
    let value = 0n;
    for(const char of text) {
      const digit = ALPHABET.indexOf(char);
      if(digit < 0) {
        throw new Error(`invalid base58 character ${char}`);
      }
      value = value * 58n + BigInt(digit);
    }
    const bytes = [];
    while(value > 0n) {
      bytes.unshift(Number(value % 256n));
      value /= 256n;
    }
    for(const char of text) {
      if(char !== '1') {
        break;
      }
      bytes.unshift(0);
    }
    return Uint8Array.from(bytes);
  }
};
