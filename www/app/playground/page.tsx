import Playground from '../../components/Playground';

export const metadata = { title: 'edgeflag playground' };

export default function PlaygroundPage() {
  return <Playground />;
}
