import { Badge, Button, Card, Flex, Heading, Progress, Table, Text } from '@radix-ui/themes';
import { formatBytes } from '../../lib/format';
import { useEngines } from '../../queries/catalog';
import { useImages, usePullImage } from '../../queries/images';
import { useCanWrite } from '../../queries/session';
import type { ImageEntry } from '../../types/api';
import { ErrorCallout } from '../ui/error-callout';
import { QueryState } from '../ui/query-state';

function PullCell({ image }: { image: ImageEntry }) {
  const p = image.pull;
  if (!p) return <Text color="gray">—</Text>;
  if (p.state === 'pulling') {
    return (
      <Flex direction="column" gap="1" minWidth="140px">
        <Progress value={p.percent} aria-label={`Pull of ${image.image} ${p.percent} %`} size="1" />
        <Text size="1" className="tabular">{formatBytes(p.bytes_done)} / {formatBytes(p.bytes_total)} · {p.layers_done}/{p.layers_total} layers</Text>
      </Flex>
    );
  }
  return p.state === 'failed'
    ? <Text size="1" color="red" className="break">{p.error_code}: {p.error}</Text>
    : <Badge color="green" variant="soft">pulled</Badge>;
}

function PullButton({ image }: { image: ImageEntry }) {
  const pull = usePullImage();
  if (!image.engine || image.pull?.state === 'pulling') return null;
  return (
    <Flex direction="column" gap="1" align="end">
      <Button type="button" size="1" variant="soft" loading={pull.isPending} aria-label={`${image.present ? 'Pull again' : 'Pull'} ${image.image}`}
        onClick={() => pull.mutate({ engine: image.engine!, ...(image.version ? { version: image.version } : {}) })}>
        {image.present ? 'Pull again' : 'Pull'}
      </Button>
      <ErrorCallout error={pull.error} />
    </Flex>
  );
}

/** GET /images: each engine's image on this host, its size and digest, and pulls with progress; a writer can pre-pull. */
export function ImagesCard() {
  const images = useImages();
  const engines = useEngines();
  const canWrite = useCanWrite();
  const name = (engine: string | null) => engines.data?.find((e) => e.engine === engine)?.display_name ?? engine ?? 'other';
  return (
    <Card size="2">
      <Heading as="h2" size="4" mb="3">Engine images</Heading>
      <QueryState query={images} errorTitle="Images could not be listed" />
      {images.data ? (
        <div className="table-scroll">
          <Table.Root size="1">
            <Table.Header><Table.Row>
              <Table.ColumnHeaderCell>Engine</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Image</Table.ColumnHeaderCell>
              <Table.ColumnHeaderCell>On this host</Table.ColumnHeaderCell><Table.ColumnHeaderCell>Pull</Table.ColumnHeaderCell>
              {canWrite ? <Table.ColumnHeaderCell><span className="visually-hidden">Actions</span></Table.ColumnHeaderCell> : null}
            </Table.Row></Table.Header>
            <Table.Body>
              {images.data.images.map((i) => (
                <Table.Row key={i.image}>
                  <Table.RowHeaderCell>{name(i.engine)}</Table.RowHeaderCell>
                  <Table.Cell><Text size="1" className="mono break">{i.image}</Text>{i.overridden ? <Badge size="1" ml="1" variant="outline">override</Badge> : null}</Table.Cell>
                  <Table.Cell>{i.present ? <Text size="1">{formatBytes(i.size_bytes)}<br /><span className="mono muted" title={i.digest ?? undefined}>{i.id?.slice(0, 12)}</span></Text> : <Badge color="gray" variant="soft">not present</Badge>}</Table.Cell>
                  <Table.Cell><PullCell image={i} /></Table.Cell>
                  {canWrite ? <Table.Cell><PullButton image={i} /></Table.Cell> : null}
                </Table.Row>
              ))}
            </Table.Body>
          </Table.Root>
        </div>
      ) : null}
    </Card>
  );
}
