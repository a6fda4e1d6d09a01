import { generateKeyPairSync } from 'node:crypto'

// Made up, in the shapes the rules know; split so that no scanner flags this file.
export const GITHUB_TOKEN = ['ghp', '_', 'R8sKd2LqW7vN4xPz1TbYc6HmJe3UaF9gQo5i'].join('')
export const AWS_SECRET = ['Xq7LrT2pVw9Ks4', 'Nd8Fb1Hj6Gc3Mz5Ya0Re', 'Ut2Wxk'].join('')

/** A fresh PEM private key, as a careless prompt or code tool would paste it. */
export function privateKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
}
