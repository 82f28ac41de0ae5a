import { list } from './list.ts';

// Street-name stems and endings. Combined, they give thousands of plausible English street
// names, so two unrelated households rarely share a street by accident within one postcode.
export const streetStems = list(`
Acacia, Albert, Alexandra, Ash, Beech, Birch, Cedar, Chestnut, Church, Mill
Station, High, Park, Victoria, Queens, Kings, Manor, School, Green, North
South, West, East, Springfield, Windsor, Grange, Orchard, Meadow, Highfield, Stanley
Richmond, York, Nelson, Elm, Oak, Willow, Hawthorn, Holly, Ivy, Rose
Lime, Maple, Poplar, Sycamore, Rowan, Hazel, Laurel, Primrose, Bluebell, Clarence
Cromwell, Gladstone, Wellington, Hamilton, Derby, Chester, Lancaster, Cambridge, Oxford, Salisbury
Warwick, Stafford, Grosvenor, Brook, Bridge, River, Canal, Forge, Market, Chapel
Abbey, Priory, Castle, Tower, Hill, Valley, Ridge, Heath, Common, Moor
Fern, Heather, Lark, Swallow, Kestrel, Falcon, Heron, Kingfisher, Robin, Wren
Coronation, Jubilee, Alma, Trafalgar, Waterloo, Balmoral, Sandringham, Osborne, Cavendish, Belmont
Fairfield, Greenway, Woodland, Shakespeare, Milton, Tennyson, Byron, Dickens, Brunel, Telford
Darwin, Newton, Faraday, Nightingale, Seacole, Baker, Carpenter, Tanner, Weaver, Cooper
Saxon, Norman, Thornton, Ashfield, Westfield, Eastfield, Southfield, Northfield, Bramley, Cherry
Walnut, Hollybush, Foxglove, Larkspur, Marigold, Lavender, Juniper, Linden, Alder, Hornbeam
St Mary's, St John's, St Peter's, St Andrew's, Albany, Arundel, Beaumont, Berkeley, Carlton, Clifton
`);

export const streetEndings: readonly { readonly ending: string; readonly weight: number }[] = [
  { ending: 'Road', weight: 30 },
  { ending: 'Street', weight: 18 },
  { ending: 'Avenue', weight: 8 },
  { ending: 'Close', weight: 10 },
  { ending: 'Lane', weight: 7 },
  { ending: 'Drive', weight: 6 },
  { ending: 'Way', weight: 4 },
  { ending: 'Crescent', weight: 4 },
  { ending: 'Gardens', weight: 3 },
  { ending: 'Grove', weight: 3 },
  { ending: 'Place', weight: 2 },
  { ending: 'Terrace', weight: 2 },
  { ending: 'Court', weight: 2 },
  { ending: 'Walk', weight: 1 },
  { ending: 'Rise', weight: 1 },
  { ending: 'Mews', weight: 1 },
  { ending: 'View', weight: 1 },
];

export const saints = list(`
Mary's, John's, Peter's, Paul's, Andrew's, Joseph's, Anne's, Michael's, George's, Margaret's
Thomas', Edmund's, Bede's, Patrick's, Teresa's, Catherine's, Chad's, Aidan's, Luke's, Mark's
`);
