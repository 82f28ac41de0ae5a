import crypto from 'node:crypto';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A FIDO2 security key in software, for tests: ES256 (P-256), 'none' attestation, a signature counter.
 * It builds the same authenticator data, attestation object and signatures a real key would, so the
 * server's verification runs unchanged.
 */
export class SoftwareSecurityKey {
  readonly credentialId: string;
  private readonly keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  private readonly rawId = crypto.randomBytes(32);

  constructor(
    private readonly rpId: string,
    private readonly origin: string,
    private counter = 0,
  ) {
    this.credentialId = this.rawId.toString('base64url');
  }

  /** The same key material with its own counter: what a cloned key looks like to the server. */
  clone(counter: number): SoftwareSecurityKey {
    const copy = new SoftwareSecurityKey(this.rpId, this.origin, counter);
    Object.assign(copy, { keys: this.keys, rawId: this.rawId, credentialId: this.credentialId });
    return copy;
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  private authData(flags: number, extra: Buffer = Buffer.alloc(0)): Buffer {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    return Buffer.concat([
      crypto.createHash('sha256').update(this.rpId).digest(),
      Buffer.from([flags]),
      count,
      extra,
    ]);
  }

  register(options: { challenge: string }, origin = this.origin): RegistrationResponseJSON {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y ?? '', 'base64url'))],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.rawId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.rawId, Buffer.from(cose)]);
    // Flags: user present (0x01), attested credential data included (0x40).
    const authData = this.authData(0x41, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', new Uint8Array(authData)],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, origin).toString('base64url'),
        attestationObject: Buffer.from(attestationObject).toString('base64url'),
        transports: ['usb'],
      },
      clientExtensionResults: {},
    };
  }

  authenticate(options: { challenge: string }, origin = this.origin): AuthenticationResponseJSON {
    this.counter += 1;
    const authData = this.authData(0x01);
    const clientData = this.clientData('webauthn.get', options.challenge, origin);
    const signed = Buffer.concat([authData, crypto.createHash('sha256').update(clientData).digest()]);
    const signature = crypto.sign('sha256', signed, this.keys.privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: signature.toString('base64url'),
      },
      clientExtensionResults: {},
    };
  }
}
