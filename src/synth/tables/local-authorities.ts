export type Region =
  | 'London'
  | 'West Midlands'
  | 'North West'
  | 'Yorkshire'
  | 'North East'
  | 'South West'
  | 'South East'
  | 'East of England'
  | 'East Midlands';

export interface LocalAuthorityData {
  /** DfE (former LEA) three-digit code, as used in UPNs and school census returns. */
  readonly code: number;
  readonly name: string;
  readonly region: Region;
  /** Approximate resident population aged 0-17, in thousands: the sampling weight. */
  readonly children: number;
  /** Post town -> outward codes that fall (at least partly) inside the authority. */
  readonly areas: Readonly<Record<string, readonly string[]>>;
}

const regions: readonly Region[] = [
  'London',
  'West Midlands',
  'North West',
  'Yorkshire',
  'North East',
  'South West',
  'South East',
  'East of England',
  'East Midlands',
];

function region(name: string): Region {
  const found = regions.find((r) => r === name);
  if (found === undefined) throw new Error(`unknown region "${name}"`);
  return found;
}

/** "Town: OUT1 OUT2; Other Town: OUT3" -> { Town: [...], 'Other Town': [...] } */
function areas(spec: string): Record<string, readonly string[]> {
  return Object.fromEntries(
    spec.split(';').map((area) => {
      const [town = '', outwards = ''] = area.split(':');
      return [town.trim(), outwards.split(/\s+/).filter((code) => code !== '')];
    }),
  );
}

// A cross-section of English authorities: inner and outer London, the metropolitan cities,
// unitary towns and large shire counties, so sizes, regions and postcode shapes all vary.
// code | name | region | children aged 0-17 (thousands) | post town: outward codes; ...
const table = `
202 | Camden | London | 43 | London: NW1 NW3 NW5 NW6 N6 N19 WC1H
204 | Hackney | London | 60 | London: E5 E8 E9 N16 N1
206 | Islington | London | 41 | London: N1 N4 N5 N7 N19 EC1V
208 | Lambeth | London | 58 | London: SE11 SE24 SE27 SW2 SW4 SW9 SW16
209 | Lewisham | London | 68 | London: SE4 SE6 SE8 SE12 SE13 SE14 SE23
210 | Southwark | London | 62 | London: SE1 SE5 SE15 SE16 SE17 SE22
211 | Tower Hamlets | London | 72 | London: E1 E2 E3 E14
212 | Wandsworth | London | 65 | London: SW11 SW12 SW15 SW17 SW18
302 | Barnet | London | 92 | London: N2 N3 N11 N12 N20 NW4 NW7 NW9 NW11; Barnet: EN4 EN5
304 | Brent | London | 77 | London: NW2 NW10; Wembley: HA0 HA9
306 | Croydon | London | 95 | Croydon: CR0 CR2 CR7; Purley: CR8; London: SE25
307 | Ealing | London | 81 | London: W3 W5 W7 W13; Southall: UB1 UB2; Northolt: UB5; Greenford: UB6
308 | Enfield | London | 80 | Enfield: EN1 EN2 EN3; London: N9 N13 N18 N21
316 | Newham | London | 88 | London: E6 E7 E12 E13 E15 E16
317 | Redbridge | London | 77 | Ilford: IG1 IG2 IG3 IG4 IG6; Woodford Green: IG8
320 | Waltham Forest | London | 63 | London: E4 E10 E11 E17
330 | Birmingham | West Midlands | 290 | Birmingham: B5 B6 B8 B9 B10 B11 B12 B13 B14 B15 B16 B17 B18 B19 B20 B21 B23 B24 B26 B27 B28 B29 B30 B31 B32 B33 B34 B36 B38 B42 B44; Sutton Coldfield: B72 B73 B74 B75 B76
331 | Coventry | West Midlands | 80 | Coventry: CV1 CV2 CV3 CV4 CV5 CV6
333 | Sandwell | West Midlands | 80 | Smethwick: B66 B67; Oldbury: B68 B69; West Bromwich: B70 B71
336 | Wolverhampton | West Midlands | 62 | Wolverhampton: WV1 WV2 WV3 WV4 WV6 WV10 WV11
341 | Liverpool | North West | 97 | Liverpool: L4 L6 L7 L8 L9 L11 L12 L13 L15 L17 L18 L19 L24 L25
344 | Wirral | North West | 68 | Birkenhead: CH41 CH42 CH43; Wallasey: CH44 CH45; Wirral: CH46 CH49 CH60 CH61 CH62 CH63
350 | Bolton | North West | 68 | Bolton: BL1 BL2 BL3 BL4 BL5
352 | Manchester | North West | 125 | Manchester: M4 M8 M9 M11 M12 M13 M14 M15 M16 M18 M19 M20 M21 M22 M23 M40
353 | Oldham | North West | 57 | Oldham: OL1 OL4 OL8 OL9
355 | Salford | North West | 58 | Salford: M3 M5 M6 M7; Manchester: M27 M28 M30
356 | Stockport | North West | 64 | Stockport: SK1 SK2 SK3 SK4 SK5 SK6 SK7
373 | Sheffield | Yorkshire | 116 | Sheffield: S2 S5 S6 S7 S8 S9 S10 S11 S12 S13 S14 S17 S20 S35
380 | Bradford | Yorkshire | 137 | Bradford: BD2 BD3 BD4 BD5 BD6 BD7 BD8 BD9 BD10 BD15; Shipley: BD18; Keighley: BD20 BD21; Bingley: BD16
382 | Kirklees | Yorkshire | 98 | Huddersfield: HD1 HD2 HD3 HD4 HD5 HD7 HD8; Dewsbury: WF12 WF13; Mirfield: WF14; Batley: WF17
383 | Leeds | Yorkshire | 176 | Leeds: LS6 LS7 LS8 LS9 LS10 LS11 LS12 LS13 LS14 LS15 LS16 LS17 LS25 LS26 LS27; Pudsey: LS28
391 | Newcastle upon Tyne | North East | 60 | Newcastle upon Tyne: NE1 NE2 NE3 NE4 NE5 NE6 NE7 NE13 NE15
394 | Sunderland | North East | 54 | Sunderland: SR1 SR2 SR3 SR4 SR5 SR6; Houghton le Spring: DH4 DH5
801 | Bristol | South West | 96 | Bristol: BS2 BS3 BS4 BS5 BS6 BS7 BS8 BS9 BS10 BS11 BS13 BS14
850 | Hampshire | South East | 280 | Winchester: SO22 SO23; Eastleigh: SO50 SO53; Lymington: SO41; Aldershot: GU11 GU12; Farnborough: GU14; Alton: GU34; Basingstoke: RG21 RG22 RG24; Waterlooville: PO7 PO8; Havant: PO9; Fareham: PO14 PO15
851 | Portsmouth | South East | 44 | Portsmouth: PO1 PO2 PO3 PO4 PO5 PO6
852 | Southampton | South East | 54 | Southampton: SO14 SO15 SO16 SO17 SO18 SO19
856 | Leicester | East Midlands | 85 | Leicester: LE1 LE2 LE3 LE4 LE5
881 | Essex | East of England | 330 | Chelmsford: CM1 CM2; Braintree: CM7; Harlow: CM20; Colchester: CO1 CO2 CO3 CO4; Clacton-on-Sea: CO15; Basildon: SS13 SS14 SS15 SS16; Benfleet: SS7; Canvey Island: SS8; Loughton: IG10
886 | Kent | South East | 355 | Maidstone: ME14 ME15 ME16; Canterbury: CT1 CT2; Margate: CT9; Broadstairs: CT10; Ramsgate: CT11; Folkestone: CT19 CT20; Dartford: DA1; Gravesend: DA11 DA12; Ashford: TN23 TN24; Tunbridge Wells: TN1 TN2; Tonbridge: TN9 TN10
888 | Lancashire | North West | 265 | Preston: PR1 PR2; Leyland: PR5; Chorley: PR7; Lancaster: LA1; Morecambe: LA3 LA4; Rossendale: BB4; Accrington: BB5; Nelson: BB9; Burnley: BB10 BB11; Thornton-Cleveleys: FY5; Poulton: FY6; Ormskirk: L39; Skelmersdale: WN8
919 | Hertfordshire | East of England | 265 | St Albans: AL1 AL3; Hatfield: AL10; Stevenage: SG1 SG2; Hitchin: SG4; Letchworth: SG6; Ware: SG12; Watford: WD17 WD18 WD19 WD24 WD25; Hemel Hempstead: HP1 HP2 HP3; Potters Bar: EN6; Waltham: EN8; Bishop's Stortford: CM23
936 | Surrey | South East | 265 | Guildford: GU1 GU2; Godalming: GU7; Farnham: GU9; Camberley: GU15 GU16; Woking: GU21 GU22; Esher: KT10; Walton-on-Thames: KT12; Weybridge: KT13; Addlestone: KT15; Chertsey: KT16; Epsom: KT17 KT18 KT19; Leatherhead: KT22; Redhill: RH1; Reigate: RH2; Dorking: RH4; Ashford: TW15
926 | Norfolk | East of England | 175 | Norwich: NR1 NR2 NR3 NR4 NR5 NR6 NR7; Wymondham: NR18; Great Yarmouth: NR30 NR31; King's Lynn: PE30 PE31; Thetford: IP24
878 | Devon | South West | 150 | Exeter: EX1 EX2 EX4; Exmouth: EX8; Honiton: EX14; Tiverton: EX16; Barnstaple: EX32; Bideford: EX39; Newton Abbot: TQ12 TQ13; Tavistock: PL19; Ivybridge: PL21
879 | Plymouth | South West | 53 | Plymouth: PL1 PL2 PL3 PL4 PL5 PL6 PL7 PL9
908 | Cornwall | South West | 110 | Truro: TR1; Newquay: TR7; Falmouth: TR11; Helston: TR13; Camborne: TR14; Redruth: TR15; Penzance: TR18; Liskeard: PL14; Launceston: PL15; Lostwithiel: PL22; St Austell: PL25 PL26; Bodmin: PL31
892 | Nottingham | East Midlands | 70 | Nottingham: NG1 NG2 NG3 NG5 NG6 NG7 NG8 NG11
891 | Nottinghamshire | East Midlands | 170 | Nottingham: NG4 NG9 NG10 NG12 NG14 NG15 NG16; Sutton-in-Ashfield: NG17; Mansfield: NG18 NG19; Newark: NG24; Worksop: S80 S81; Retford: DN22
816 | York | Yorkshire | 37 | York: YO1 YO10 YO23 YO24 YO26 YO30 YO31 YO32
810 | Kingston upon Hull | Yorkshire | 59 | Hull: HU1 HU2 HU3 HU4 HU5 HU6 HU7 HU8 HU9
821 | Luton | East of England | 57 | Luton: LU1 LU2 LU3 LU4
871 | Slough | South East | 42 | Slough: SL1 SL2 SL3
846 | Brighton and Hove | South East | 50 | Brighton: BN1 BN2; Hove: BN3; Portslade: BN41
861 | Stoke-on-Trent | West Midlands | 57 | Stoke-on-Trent: ST1 ST2 ST3 ST4 ST6
840 | County Durham | North East | 100 | Durham: DH1 DH6 DH7; Chester le Street: DH2 DH3; Consett: DH8; Newton Aycliffe: DL5; Bishop Auckland: DL14; Crook: DL15; Peterlee: SR8; Seaham: SR7
931 | Oxfordshire | South East | 150 | Oxford: OX1 OX2 OX3 OX4; Kidlington: OX5; Wallingford: OX10; Didcot: OX11; Wantage: OX12; Abingdon: OX14; Banbury: OX16; Bicester: OX26; Witney: OX28 OX29
873 | Cambridgeshire | East of England | 145 | Cambridge: CB1 CB2 CB3 CB4 CB5 CB22 CB24; Wisbech: PE13; March: PE15; St Neots: PE19; St Ives: PE27; Huntingdon: PE28 PE29
874 | Peterborough | East of England | 52 | Peterborough: PE1 PE2 PE3 PE4 PE7
`;

export const localAuthorities: readonly LocalAuthorityData[] = table
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const [code = '', name = '', regionName = '', children = '', spec = ''] = line
      .split('|')
      .map((f) => f.trim());
    return {
      code: Number(code),
      name,
      region: region(regionName),
      children: Number(children),
      areas: areas(spec),
    };
  });
